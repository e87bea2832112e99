namespace EdgeModule.Storage.InMemory;

/// <summary>A partition of <see cref="InMemoryStore"/>: the column-family emulation, one skip list per partition.</summary>
internal sealed class InMemoryPartition(InMemoryStore store, string name) : IPartition
{
    private long _count;
    private volatile bool _dropped;

    public string Name { get; } = name;

    public InMemoryStore Store { get; } = store;

    internal SkipList List { get; } = new();

    /// <summary>Bytes held by this partition; written under the store's write lock.</summary>
    internal long Bytes { get; set; }

    /// <summary>Key and value bytes of the live entries; written under the store's write lock.</summary>
    internal long LiveBytes { get; set; }

    internal bool IsDropped => _dropped;

    public void Put(byte[] key, byte[] value) => Store.Put(this, key, value);

    public void Remove(byte[] key) => Store.Remove(this, key);

    public byte[]? Get(byte[] key)
    {
        Store.ValidateKey(key);
        ThrowIfDropped();
        var search = new NodeKey(key);
        return Store.LatestCommitted(List.FindGreaterOrEqual(search), search)?.Value?.ToArray();
    }

    public bool Contains(byte[] key)
    {
        Store.ValidateKey(key);
        ThrowIfDropped();
        var search = new NodeKey(key);
        return Store.LatestCommitted(List.FindGreaterOrEqual(search), search)?.Value is not null;
    }

    public long Count()
    {
        Store.ThrowIfDisposed();
        ThrowIfDropped();
        return Volatile.Read(ref _count);
    }

    public IPartitionCursor OpenCursor()
    {
        Store.ThrowIfDisposed();
        ThrowIfDropped();
        return new InMemoryCursor(this, Store.AcquireReadPoint(), ownsReadPoint: true);
    }

    internal void AddCount(int delta) => Volatile.Write(ref _count, _count + delta);

    internal void MarkDropped() => _dropped = true;

    internal void ThrowIfDropped()
    {
        if (_dropped)
        {
            throw PartitionDroppedException.For(Name);
        }
    }
}
