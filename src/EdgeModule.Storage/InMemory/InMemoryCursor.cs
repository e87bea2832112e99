namespace EdgeModule.Storage.InMemory;

/// <summary>
/// A cursor at a fixed read point. The skip list has no back links, so moving backwards searches for the predecessor
/// (O(log n)); forward moves follow level-0 links. Entries not visible at the read point (newer, or removed) are skipped.
/// </summary>
internal sealed class InMemoryCursor : IPartitionCursor
{
    private readonly InMemoryPartition _partition;
    private readonly ReadPoint _readPoint;
    private readonly long _sequence;
    private readonly byte[] _keyBuffer = new byte[NodeKey.InlineBytes];
    private Node? _node;
    private byte[]? _value;
    private bool _disposed;

    public InMemoryCursor(InMemoryPartition partition, ReadPoint readPoint, bool ownsReadPoint)
    {
        _partition = partition;
        _readPoint = ownsReadPoint ? readPoint : readPoint.AddReference();
        _sequence = readPoint.Sequence;
    }

    public bool IsValid
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _node is not null;
        }
    }

    public ReadOnlySpan<byte> Key => Current.GetKey(_keyBuffer);

    public ReadOnlySpan<byte> Value
    {
        get
        {
            _ = Current;
            return _value;
        }
    }

    private Node Current
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _node ?? throw new InvalidOperationException("The cursor is not on an entry; check IsValid after moving it.");
        }
    }

    private SkipList List => _partition.List;

    public void SeekToFirst()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ForwardFrom(List.First);
    }

    public void SeekToLast()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        BackwardFrom(List.FindLast());
    }

    public void Seek(ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ForwardFrom(List.FindGreaterOrEqual(key));
    }

    public void SeekForPrev(ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var node = List.FindGreaterOrEqual(key);
        if (node is not null && node.KeyEquals(new NodeKey(key)) && TrySetCurrent(node))
        {
            return;
        }

        BackwardFrom(List.FindLessThan(key));
    }

    public void Next() => ForwardFrom(Current.GetNext(0));

    public void Prev() => BackwardFrom(List.FindLessThan(Current.SearchKey));

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _node = null;
            _value = null;
            _readPoint.Release();
        }
    }

    private void ForwardFrom(Node? node)
    {
        while (node is not null && !TrySetCurrent(node))
        {
            node = node.GetNext(0);
        }

        if (node is null)
        {
            _node = null;
            _value = null;
        }
    }

    private void BackwardFrom(Node? node)
    {
        while (node is not null && !TrySetCurrent(node))
        {
            node = List.FindLessThan(node.SearchKey);
        }

        if (node is null)
        {
            _node = null;
            _value = null;
        }
    }

    private bool TrySetCurrent(Node node)
    {
        var value = node.VersionAt(_sequence)?.Value;
        if (value is null)
        {
            return false;
        }

        _node = node;
        _value = value;
        return true;
    }
}
