using System.Buffers.Binary;

namespace EdgeModule.Storage.InMemory;

/// <summary>
/// A skip-list node: one key and its version chain, newest first. Readers traverse the links without locks; the single
/// writer publishes a node only after its own links are set, and never clears the links of a node it unlinks, so a
/// reader standing on an unlinked node can still walk on.
/// </summary>
/// <remarks>
/// Layout for cache misses and allocations: keys up to 16 bytes live in the node (see <see cref="NodeKey"/>), the
/// level-0 link is a field, and only the quarter of nodes taller than one level allocate an array for the rest.
/// </remarks>
internal sealed class Node
{
    private readonly ulong _high;
    private readonly ulong _low;
    private readonly int _length;
    private readonly byte[]? _longKey;
    private readonly Node?[]? _upper;
    private Node? _next0;
    private Version? _head;

    public Node(ReadOnlySpan<byte> key, int level, Version? head)
    {
        var k = new NodeKey(key);
        _high = k.High;
        _low = k.Low;
        _length = key.Length;
        _longKey = key.Length > NodeKey.InlineBytes ? key.ToArray() : null;
        _upper = level > 1 ? new Node?[level - 1] : null;
        _head = head;
    }

    public int Level => (_upper?.Length ?? 0) + 1;

    public int KeyLength => _length;

    public Version? Head => Volatile.Read(ref _head);

    /// <summary>Writer only: the node is in the store's list of nodes to prune once snapshots are released.</summary>
    public bool Pending { get; set; }

    /// <summary>Writer only: the node was taken out of the list; a later write of its key makes a new node.</summary>
    public bool Unlinked { get; set; }

    /// <summary>Bytes this node costs beyond its versions: the object, the key beyond 16 bytes, the upper links.</summary>
    public long Size => 72 + (_longKey is null ? 0 : 24 + _length) + (_upper is null ? 0 : 24 + (8L * _upper.Length));

    public NodeKey SearchKey => new(_high, _low, _length, _longKey);

    public int CompareTo(in NodeKey key) => NodeKey.Compare(_high, _low, _length, _longKey, key);

    public bool KeyEquals(in NodeKey key) => CompareTo(key) == 0;

    /// <summary>The key's bytes: a view of the node's long key, or written into <paramref name="buffer"/> (16 bytes).</summary>
    public ReadOnlySpan<byte> GetKey(Span<byte> buffer)
    {
        if (_longKey is not null)
        {
            return _longKey;
        }

        BinaryPrimitives.WriteUInt64BigEndian(buffer, _high);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[8..], _low);
        return buffer[.._length];
    }

    public void SetHead(Version version) => Volatile.Write(ref _head, version);

    public Node? GetNext(int level) => level == 0 ? Volatile.Read(ref _next0) : Volatile.Read(ref _upper![level - 1]);

    public void SetNext(int level, Node? node)
    {
        if (level == 0)
        {
            Volatile.Write(ref _next0, node);
        }
        else
        {
            Volatile.Write(ref _upper![level - 1], node);
        }
    }

    /// <summary>The newest version at or before <paramref name="sequence"/> (a registered read point), or null.</summary>
    public Version? VersionAt(long sequence)
    {
        var v = Head;
        while (v is not null && v.Sequence > sequence)
        {
            v = v.Older;
        }

        return v;
    }
}
