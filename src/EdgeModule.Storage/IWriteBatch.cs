namespace EdgeModule.Storage;

/// <summary>
/// Puts and removes over partitions of one store, applied in order and atomically by <see cref="IKeyValueStore.Write"/>.
/// Arguments are validated when an operation is added, so a batch that was built can only fail as a whole.
/// Not thread safe: one batch belongs to one writer.
/// </summary>
public interface IWriteBatch : IDisposable
{
    int Count { get; }

    void Put(IPartition partition, byte[] key, byte[] value);

    void Remove(IPartition partition, byte[] key);

    void Clear();
}
