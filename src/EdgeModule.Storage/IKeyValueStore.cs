using System.Diagnostics.CodeAnalysis;

namespace EdgeModule.Storage;

/// <summary>
/// A store of named partitions (RocksDB column families, or their in-memory emulation), each an ordered map of byte
/// keys to byte values. Keys are ordered bytewise: unsigned memcmp, a shorter prefix first (RocksDB's default
/// comparator). Every backend behaves the same; the conformance suite is the definition.
/// </summary>
/// <remarks>
/// Thread safety: every member may be called from any thread. Writes are linearizable; a <see cref="IWriteBatch"/>
/// becomes visible all at once. Cursors and snapshots read a fixed point in time and never fail because another thread
/// wrote. After <see cref="IDisposable.Dispose"/>, every call on the store and its partitions throws
/// <see cref="ObjectDisposedException"/>; cursors and snapshots opened before keep reading their point in time until
/// they are disposed, and native resources are freed only then.
/// </remarks>
public interface IKeyValueStore : IDisposable
{
    /// <summary>"memory" or "rocksdb": written into backups so an operator can see where a backup came from.</summary>
    string BackendName { get; }

    /// <summary>A stable identity of this store instance (RocksDB: the database identity; memory: one per open).</summary>
    string Identity { get; }

    /// <summary>Opens the partition, creating it when missing.</summary>
    IPartition GetOrCreatePartition(string name);

    /// <summary>Opens an existing partition; an unknown name is an <see cref="ArgumentException"/>.</summary>
    IPartition GetPartition(string name);

    bool TryGetPartition(string name, [NotNullWhen(true)] out IPartition? partition);

    /// <summary>The partition names, in ordinal order.</summary>
    IReadOnlyList<string> ListPartitions();

    /// <summary>
    /// Drops the partition and everything in it. Handles to it then throw <see cref="PartitionDroppedException"/>;
    /// snapshots taken before the drop still read it. An unknown name is an <see cref="ArgumentException"/>.
    /// </summary>
    void DropPartition(string name);

    /// <summary>A batch of puts and removes, over any partitions of this store, applied atomically by <see cref="Write"/>.</summary>
    IWriteBatch CreateWriteBatch();

    /// <summary>
    /// Applies the batch atomically: all of it becomes visible at once, or (on any error) none of it.
    /// The batch is left as it was and may be cleared and reused.
    /// </summary>
    void Write(IWriteBatch batch);

    /// <summary>A consistent, read-only view of every partition as of this instant. Writers are not blocked by it.</summary>
    IStoreSnapshot CreateSnapshot();
}
