using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// A RocksDB snapshot with read options naming it, and borrowed handles on the database and on every column family
/// that existed when it was taken. Borrowed handles keep the native objects alive on their own, so the snapshot keeps
/// reading after its partitions are dropped (RocksDB keeps a dropped column family's data while a handle to it
/// exists) and after the store is disposed; its native resources go when it is disposed, or with the last cursor
/// opened from it.
/// </summary>
internal sealed class RocksDbSnapshot : IStoreSnapshot
{
    private readonly SnapshotHandle _snapshot;
    private readonly Dictionary<string, RocksDbSnapshotPartition> _partitions = new(StringComparer.Ordinal);
    private readonly string[] _names;
    private int _disposed;

    /// <summary>Takes ownership of every handle passed in.</summary>
    public RocksDbSnapshot(
        DatabaseHandle db,
        SnapshotHandle snapshot,
        ReadOptionsHandle readOptions,
        ReadOptionsHandle scanReadOptions,
        long sequence,
        StorageOptions limits,
        IReadOnlyList<(string Name, ColumnFamilyHandle ColumnFamily)> partitions)
    {
        Db = db;
        _snapshot = snapshot;
        ReadOptions = readOptions;
        ScanReadOptions = scanReadOptions;
        Sequence = sequence;
        foreach (var (name, columnFamily) in partitions)
        {
            _partitions.Add(name, new RocksDbSnapshotPartition(this, name, limits, columnFamily));
        }

        _names = [.. _partitions.Keys.Order(StringComparer.Ordinal)];
    }

    public long Sequence { get; }

    internal DatabaseHandle Db { get; }

    internal ReadOptionsHandle ReadOptions { get; }

    internal ReadOptionsHandle ScanReadOptions { get; }

    public IReadOnlyList<string> ListPartitions()
    {
        ThrowIfDisposed();
        return _names;
    }

    public IPartitionReader GetPartition(string name)
    {
        StorageArguments.ValidatePartitionName(name);
        ThrowIfDisposed();
        return _partitions.TryGetValue(name, out var partition) ? partition : throw StorageArguments.UnknownPartition(name);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Cursors opened from this snapshot hold their own references: whatever they use is freed after them.
        foreach (var partition in _partitions.Values)
        {
            partition.ColumnFamily.Dispose();
        }

        ScanReadOptions.Dispose();
        ReadOptions.Dispose();
        _snapshot.Dispose();
        Db.Dispose();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
