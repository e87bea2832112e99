namespace EdgeModule.Storage.InMemory;

/// <summary>
/// A skip list ordered bytewise, read without locks and written by one writer at a time (the store's write lock).
/// </summary>
/// <remarks>
/// Publication protocol: the writer fills a new node's links, then links it in from level 0 upwards with volatile
/// writes, so a reader that sees the node also sees its links. Unlinking goes from the top level down and leaves the
/// unlinked node's own links intact: readers never follow a null that should not be there, and never throw because
/// another thread wrote. The writer keeps the rightmost node of every level, so appending keys in ascending order (the
/// message-queue pattern) skips the search.
/// </remarks>
internal sealed class SkipList
{
    internal const int MaxLevel = 20;

    private readonly Node _head = new([], MaxLevel, null);
    private readonly Node[] _tail = new Node[MaxLevel];
    private readonly Node[] _prev = new Node[MaxLevel];

    // The predecessors FindForWrite found: _prev, or _tail itself when appending (no copy: every reference stored
    // into an array costs a GC write barrier, and appends are the hot path).
    private Node[] _predecessors;
    private int _level = 1;
    private uint _random = 0x9E3779B9u;

    public SkipList()
    {
        Array.Fill(_tail, _head);
        _predecessors = _prev;
    }

    public Node? First => _head.GetNext(0);

    /// <summary>The first node whose key is &gt;= <paramref name="key"/>, visible or not.</summary>
    public Node? FindGreaterOrEqual(ReadOnlySpan<byte> key) => FindGreaterOrEqual(new NodeKey(key));

    public Node? FindGreaterOrEqual(in NodeKey key)
    {
        var x = _head;
        for (var i = Volatile.Read(ref _level) - 1; i >= 0; i--)
        {
            var next = x.GetNext(i);
            while (next is not null && next.CompareTo(key) < 0)
            {
                x = next;
                next = x.GetNext(i);
            }

            if (i == 0)
            {
                return next;
            }
        }

        return null;
    }

    /// <summary>The last node whose key is &lt; <paramref name="key"/>, or null when there is none.</summary>
    public Node? FindLessThan(ReadOnlySpan<byte> key) => FindLessThan(new NodeKey(key));

    public Node? FindLessThan(in NodeKey key)
    {
        var x = _head;
        for (var i = Volatile.Read(ref _level) - 1; i >= 0; i--)
        {
            var next = x.GetNext(i);
            while (next is not null && next.CompareTo(key) < 0)
            {
                x = next;
                next = x.GetNext(i);
            }
        }

        return ReferenceEquals(x, _head) ? null : x;
    }

    /// <summary>The last node, or null when the list is empty.</summary>
    public Node? FindLast()
    {
        var x = _head;
        for (var i = Volatile.Read(ref _level) - 1; i >= 0; i--)
        {
            var next = x.GetNext(i);
            while (next is not null)
            {
                x = next;
                next = x.GetNext(i);
            }
        }

        return ReferenceEquals(x, _head) ? null : x;
    }

    /// <summary>Writer only. The node holding <paramref name="key"/>, or null; leaves the predecessors for <see cref="Insert"/>.</summary>
    public Node? FindForWrite(in NodeKey key)
    {
        var last = _tail[0];
        if (!ReferenceEquals(last, _head) && last.CompareTo(key) < 0)
        {
            // Appending past the largest key: the rightmost node of each level is the predecessor.
            _predecessors = _tail;
            return null;
        }

        _predecessors = _prev;
        var x = _head;
        for (var i = _level - 1; i >= 0; i--)
        {
            var next = x.GetNext(i);
            while (next is not null && next.CompareTo(key) < 0)
            {
                x = next;
                next = x.GetNext(i);
            }

            _prev[i] = x;
        }

        var candidate = x.GetNext(0);
        return candidate is not null && candidate.KeyEquals(key) ? candidate : null;
    }

    /// <summary>Writer only, right after <see cref="FindForWrite"/> returned null for the same key.</summary>
    public Node Insert(ReadOnlySpan<byte> key, Version head)
    {
        var level = RandomLevel();
        var node = new Node(key, level, head);
        var predecessors = _predecessors;
        var used = _level;
        for (var i = 0; i < level; i++)
        {
            // Levels above the list's current height have only the head before them.
            node.SetNext(i, (i < used ? predecessors[i] : _head).GetNext(i));
        }

        if (level > used)
        {
            Volatile.Write(ref _level, level);
        }

        for (var i = 0; i < level; i++)
        {
            var predecessor = i < used ? predecessors[i] : _head;
            predecessor.SetNext(i, node);
            if (ReferenceEquals(_tail[i], predecessor))
            {
                _tail[i] = node;
            }
        }

        return node;
    }

    /// <summary>Writer only. Removes the node from every level; readers standing on it can still walk on.</summary>
    public void Unlink(Node node)
    {
        if (ReferenceEquals(_head.GetNext(0), node))
        {
            // The first node (removal from the head, the message-queue pattern) is first on each of its levels too:
            // its predecessor is the head everywhere, so no search is needed.
            for (var i = node.Level - 1; i >= 0; i--)
            {
                _head.SetNext(i, node.GetNext(i));
                if (ReferenceEquals(_tail[i], node))
                {
                    _tail[i] = _head;
                }
            }

            return;
        }

        if (!ReferenceEquals(FindForWrite(node.SearchKey), node))
        {
            return;
        }

        // A node that exists is never past the tail, so FindForWrite searched and left its predecessors in _prev.
        for (var i = node.Level - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_prev[i].GetNext(i), node))
            {
                _prev[i].SetNext(i, node.GetNext(i));
            }

            if (ReferenceEquals(_tail[i], node))
            {
                _tail[i] = _prev[i];
            }
        }
    }

    /// <summary>Geometric with p = 1/4, as in LevelDB's memtable: about 1.33 links a node.</summary>
    private int RandomLevel()
    {
        var level = 1;
        while (level < MaxLevel)
        {
            _random ^= _random << 13;
            _random ^= _random >> 17;
            _random ^= _random << 5;
            if ((_random & 3) != 0)
            {
                break;
            }

            level++;
        }

        return level;
    }
}
