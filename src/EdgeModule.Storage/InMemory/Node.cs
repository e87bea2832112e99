namespace EdgeModule.Storage.InMemory;

/// <summary>
/// A skip-list node: one key and its version chain, newest first. Readers traverse <see cref="Next"/> without locks;
/// the single writer publishes a node only after its own links are set, and never clears the links of a node it
/// unlinks, so a reader standing on an unlinked node can still walk on.
/// </summary>
internal sealed class Node
{
    private Version? _head;

    public Node(byte[] key, int level, Version? head)
    {
        Key = key;
        Next = new Node?[level];
        _head = head;
    }

    public byte[] Key { get; }

    public Node?[] Next { get; }

    public int Level => Next.Length;

    public Version? Head => Volatile.Read(ref _head);

    /// <summary>Writer only: the node is in the store's list of nodes to prune once snapshots are released.</summary>
    public bool Pending { get; set; }

    /// <summary>Writer only: the node was taken out of the list; a later write of its key makes a new node.</summary>
    public bool Unlinked { get; set; }

    /// <summary>Bytes this node costs beyond its versions: the key, the links and object headers.</summary>
    public long Size => 96 + (8L * Next.Length) + Key.Length;

    public void SetHead(Version version) => Volatile.Write(ref _head, version);

    public Node? GetNext(int level) => Volatile.Read(ref Next[level]);

    public void SetNext(int level, Node? node) => Volatile.Write(ref Next[level], node);

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
