namespace EdgeModule.Storage.InMemory;

/// <summary>Operations copied at the time they are added, so the caller may reuse its arrays.</summary>
internal sealed class InMemoryWriteBatch(InMemoryStore store) : IWriteBatch
{
    private readonly List<(InMemoryPartition Partition, byte[] Key, byte[]? Value)> _operations = [];
    private bool _disposed;

    public InMemoryStore Store { get; } = store;

    public int Count => _operations.Count;

    internal List<(InMemoryPartition Partition, byte[] Key, byte[]? Value)> Operations
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _operations;
        }
    }

    internal long PutBytesEstimate { get; private set; }

    public void Put(IPartition partition, byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Put(partition, key.AsSpan(), value.AsSpan());
    }

    public void Put(IPartition partition, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var ours = Check(partition, key);
        Store.ValidateValueLength(value.Length);
        var keyCopy = key.ToArray();
        var valueCopy = value.ToArray();
        _operations.Add((ours, keyCopy, valueCopy));
        PutBytesEstimate += InMemoryStore.EstimatePutSize(keyCopy, valueCopy);
    }

    public void Remove(IPartition partition, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ours = Check(partition, key);
        _operations.Add((ours, key.AsSpan().ToArray(), null));
    }

    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _operations.Clear();
        PutBytesEstimate = 0;
    }

    public void Dispose()
    {
        _disposed = true;
        _operations.Clear();
    }

    private InMemoryPartition Check(IPartition partition, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(partition);
        if (partition is not InMemoryPartition ours || !ReferenceEquals(ours.Store, Store))
        {
            throw new ArgumentException("The partition belongs to another store.", nameof(partition));
        }

        Store.ValidateKeyLength(key.Length);
        return ours;
    }
}
