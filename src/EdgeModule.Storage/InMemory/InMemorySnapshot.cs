namespace EdgeModule.Storage.InMemory;

internal sealed class InMemorySnapshot : IStoreSnapshot
{
    private readonly Dictionary<string, InMemoryPartitionView> _partitions;
    private readonly string[] _names;
    private int _disposed;

    public InMemorySnapshot(ReadPoint readPoint, InMemoryPartition[] partitions)
    {
        ReadPoint = readPoint;
        _partitions = partitions.ToDictionary(p => p.Name, p => new InMemoryPartitionView(p, this), StringComparer.Ordinal);
        _names = partitions.Select(p => p.Name).ToArray();
    }

    public long Sequence => ReadPoint.Sequence;

    internal ReadPoint ReadPoint { get; }

    public IReadOnlyList<string> ListPartitions()
    {
        ThrowIfDisposed();
        return _names;
    }

    public IPartitionReader GetPartition(string name)
    {
        StorageArguments.ValidatePartitionName(name);
        ThrowIfDisposed();
        return _partitions.TryGetValue(name, out var view) ? view : throw StorageArguments.UnknownPartition(name);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReadPoint.Release();
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
