namespace EdgeModule.Storage.InMemory;

/// <summary>
/// Operations copied at the time they are added, so the caller may reuse its arrays. Keys go into one growing buffer
/// (skip-list nodes keep their own copy of a key, so a separate array per key would be garbage right away); each
/// value gets the array the store will keep.
/// </summary>
internal sealed class InMemoryWriteBatch(InMemoryStore store) : IWriteBatch
{
    private readonly List<Operation> _operations = [];
    private byte[] _keys = new byte[256];
    private int _keysUsed;
    private bool _disposed;

    public InMemoryStore Store { get; } = store;

    public int Count => _operations.Count;

    internal List<Operation> Operations
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
        var valueCopy = value.ToArray();
        _operations.Add(new Operation(ours, AddKey(key), key.Length, valueCopy));
        PutBytesEstimate += InMemoryStore.EstimatePutSize(key.Length, valueCopy.Length);
    }

    internal ReadOnlySpan<byte> KeyOf(in Operation operation) => _keys.AsSpan(operation.KeyOffset, operation.KeyLength);

    public void Remove(IPartition partition, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ours = Check(partition, key);
        _operations.Add(new Operation(ours, AddKey(key), key.Length, null));
    }

    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _operations.Clear();
        _keysUsed = 0;
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

    private int AddKey(ReadOnlySpan<byte> key)
    {
        if (_keysUsed + key.Length > _keys.Length)
        {
            Array.Resize(ref _keys, Math.Max(_keys.Length * 2, _keysUsed + key.Length));
        }

        var offset = _keysUsed;
        key.CopyTo(_keys.AsSpan(offset));
        _keysUsed += key.Length;
        return offset;
    }

    /// <summary>A put (value set) or a remove (value null); the key is a slice of the batch's key buffer.</summary>
    internal readonly record struct Operation(InMemoryPartition Partition, int KeyOffset, int KeyLength, byte[]? Value);
}
