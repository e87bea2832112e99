namespace EdgeModule.Storage;

/// <summary>
/// A read-only view of the whole store at one instant, consistent across partitions (a batch is either entirely in it
/// or not at all). Writers keep running while it is open. Dispose it promptly: the versions it needs are kept until then.
/// </summary>
public interface IStoreSnapshot : IDisposable
{
    /// <summary>
    /// The store's sequence number at the snapshot: it grows with committed writes, so a later snapshot never has a
    /// smaller one. In memory it is exact. RocksDB 7.8's C API cannot read a snapshot's own sequence number, so when a
    /// write races the snapshot's creation this is a lower bound: the snapshot may contain a little more than it says,
    /// never less. Use it to order snapshots and to label backups, not to count writes.
    /// </summary>
    long Sequence { get; }

    /// <summary>The partitions that existed at the snapshot, in ordinal order.</summary>
    IReadOnlyList<string> ListPartitions();

    /// <summary>A partition as it was at the snapshot; a name not in <see cref="ListPartitions"/> is an <see cref="ArgumentException"/>.</summary>
    IPartitionReader GetPartition(string name);
}
