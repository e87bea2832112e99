using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace EdgeModule.Storage.InMemory;

/// <summary>
/// The in-memory backend: a multi-version skip list per partition, one writer at a time, readers without locks.
/// </summary>
/// <remarks>
/// Every write (a single put/remove or a batch) runs under one store-wide lock and takes the next sequence number.
/// Its versions are linked in first and published last, by advancing <see cref="_sequence"/>: that is what makes a
/// batch atomic across partitions. Live reads return the newest committed version. Cursors and snapshots register a
/// read point (a sequence number) and see exactly the versions committed at or before it; the writer keeps the
/// versions they need and prunes the rest after each commit, or later, when the read point is released. So a backup
/// reads a point-in-time view while writers continue, each waiting only for the few microseconds of another write.
/// </remarks>
public sealed partial class InMemoryStore : IKeyValueStore
{
    private readonly InMemoryStoreOptions _options;
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<string, InMemoryPartition> _partitions = new(StringComparer.Ordinal);
    private long _sequence;
    private long _bytes;
    private long _memoryLimitBytes;
    private volatile bool _disposed;

    public InMemoryStore(InMemoryStoreOptions? options = null)
    {
        _options = options ?? new InMemoryStoreOptions();
        _options.Validate();
        _memoryLimitBytes = _options.MemoryLimitBytes;
    }

    public string BackendName => "memory";

    public string Identity { get; } = Guid.NewGuid().ToString("D");

    /// <summary>Bytes held now: keys, values, versions kept for readers, and an estimate of per-entry overhead.</summary>
    public long BytesHeld => Interlocked.Read(ref _bytes);

    /// <summary>
    /// The hard limit of <see cref="BytesHeld"/> (0 = none), from <see cref="InMemoryStoreOptions.MemoryLimitBytes"/>;
    /// the host changes it while running (twin MaxStoreSizeBytes). Lowering it below what is held refuses growth only.
    /// </summary>
    public long MemoryLimitBytes
    {
        get => Interlocked.Read(ref _memoryLimitBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Interlocked.Exchange(ref _memoryLimitBytes, value);
        }
    }

    public IPartition GetOrCreatePartition(string name)
    {
        StorageArguments.ValidatePartitionName(name);
        ThrowIfDisposed();
        if (_partitions.TryGetValue(name, out var existing))
        {
            return existing;
        }

        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (_partitions.TryGetValue(name, out existing))
            {
                return existing;
            }

            var created = new InMemoryPartition(this, name);
            _partitions[name] = created;
            _tracker?.OnCreatePartition(name);
            return created;
        }
    }

    public IPartition GetPartition(string name) =>
        TryGetPartition(name, out var partition) ? partition : throw StorageArguments.UnknownPartition(name);

    public bool TryGetPartition(string name, [NotNullWhen(true)] out IPartition? partition)
    {
        StorageArguments.ValidatePartitionName(name);
        ThrowIfDisposed();
        partition = _partitions.TryGetValue(name, out var p) ? p : null;
        return partition is not null;
    }

    public IReadOnlyList<string> ListPartitions()
    {
        ThrowIfDisposed();
        var names = _partitions.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    public void DropPartition(string name)
    {
        StorageArguments.ValidatePartitionName(name);
        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (!_partitions.TryRemove(name, out var partition))
            {
                throw StorageArguments.UnknownPartition(name);
            }

            // Snapshots that hold the partition keep reading its skip list; the store no longer counts its bytes.
            partition.MarkDropped();
            _tracker?.OnDropPartition(name);
            _sequence++;
            Interlocked.Add(ref _bytes, -partition.Bytes);
            Interlocked.Add(ref _liveBytes, -partition.LiveBytes);
        }
    }

    public IWriteBatch CreateWriteBatch()
    {
        ThrowIfDisposed();
        return new InMemoryWriteBatch(this);
    }

    public IStoreSnapshot CreateSnapshot()
    {
        ThrowIfDisposed();
        lock (_writeLock)
        {
            ThrowIfDisposed();
            return CreateSnapshotLocked();
        }
    }

    internal IStoreSnapshot CreateSnapshotLocked()
    {
        var partitions = _partitions.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        return new InMemorySnapshot(RegisterReadPoint(), partitions);
    }

    public void Dispose() => _disposed = true;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    internal void ValidateKey(byte[] key, bool checkDisposed = true)
    {
        StorageArguments.ValidateKey(key, _options);
        if (checkDisposed)
        {
            ThrowIfDisposed();
        }
    }

    internal void ValidateValue(byte[] value) => StorageArguments.ValidateValue(value, _options);

    internal void ValidateKeyLength(int length)
    {
        StorageArguments.ValidateKeyLength(length, _options);
        ThrowIfDisposed();
    }

    internal void ValidateValueLength(int length) => StorageArguments.ValidateValueLength(length, _options);

    /// <summary>
    /// The newest committed version of <paramref name="key"/>, for live reads that hold no read point. The head may be
    /// the version of a write still in flight (sequence above <see cref="_sequence"/>); then the one below it is the
    /// committed one. If the writer cut that link meanwhile, it did so after committing the head, so a second look at
    /// the sequence finds the head committed.
    /// </summary>
    internal Version? LatestCommitted(Node? node, in NodeKey key)
    {
        if (node is null || !node.KeyEquals(key))
        {
            return null;
        }

        var head = node.Head;
        if (head is null || head.Sequence <= Volatile.Read(ref _sequence))
        {
            return head;
        }

        var older = head.Older;
        if (older is not null)
        {
            return older;
        }

        return head.Sequence <= Volatile.Read(ref _sequence) ? head : null;
    }
}
