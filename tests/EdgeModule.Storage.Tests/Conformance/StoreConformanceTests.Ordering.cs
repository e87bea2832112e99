namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>Edge keys in the order RocksDB's bytewise comparator gives them.</summary>
    private static readonly byte[][] OrderedEdgeKeys =
    [
        [],
        [0x00],
        [0x00, 0x00],
        [0x00, 0xFF],
        [0x01],
        [0x7F],
        [0x7F, 0x00],
        [0x80],
        [0xFE, 0xFF, 0xFF],
        [0xFF],
        [0xFF, 0x00],
        [0xFF, 0xFF],
        [0xFF, 0xFF, 0xFF, 0xFF],
    ];

    [Fact]
    public void Iterate_EdgeKeysInsertedShuffled_ComesOutBytewiseOrdered()
    {
        var p = OpenStore().GetOrCreatePartition("order");
        foreach (var key in OrderedEdgeKeys.OrderBy(k => Convert.ToHexString(k).GetHashCode(StringComparison.Ordinal)))
        {
            p.Put(key, key);
        }

        AssertKeys(OrderedEdgeKeys, Keys(p));
        AssertKeys(OrderedEdgeKeys.Reverse(), KeysReverse(p));
        Assert.Equal(OrderedEdgeKeys.Length, p.Count());
        foreach (var e in p.Iterate())
        {
            Assert.Equal(e.Key, e.Value);
        }
    }

    [Fact]
    public void Iterate_BigEndianSequenceKeys_AreNumericallyOrdered()
    {
        var p = OpenStore().GetOrCreatePartition("seq");
        long[] sequences = [256, 1, 255, 65536, 0, long.MaxValue, 257];
        foreach (var s in sequences)
        {
            p.Put(SequenceKey(s), []);
        }

        AssertKeys(sequences.Order().Select(SequenceKey), Keys(p));
    }

    [Fact]
    public void Seek_MissingKey_LandsOnNextGreaterKey()
    {
        var p = OpenStore().GetOrCreatePartition("seek");
        p.Put(B(0x10), B(1));
        p.Put(B(0x20), B(2));
        p.Put(B(0x20, 0x00), B(3));

        using var cursor = p.OpenCursor();
        Assert.False(cursor.IsValid);
        cursor.Seek(B(0x15));
        Assert.Equal(B(0x20), cursor.Key.ToArray());
        cursor.Seek(B(0x20));
        Assert.Equal(B(0x20), cursor.Key.ToArray());
        cursor.Seek(B(0x20, 0x00, 0x00));
        Assert.False(cursor.IsValid);
        cursor.Seek([]);
        Assert.Equal(B(0x10), cursor.Key.ToArray());
    }

    [Fact]
    public void SeekForPrev_MissingKey_LandsOnPreviousSmallerKey()
    {
        var p = OpenStore().GetOrCreatePartition("seekprev");
        p.Put(B(0x10), B(1));
        p.Put(B(0x20), B(2));

        using var cursor = p.OpenCursor();
        cursor.SeekForPrev(B(0x1F, 0xFF));
        Assert.Equal(B(0x10), cursor.Key.ToArray());
        cursor.SeekForPrev(B(0x20));
        Assert.Equal(B(0x20), cursor.Key.ToArray());
        cursor.SeekForPrev(B(0xFF));
        Assert.Equal(B(0x20), cursor.Key.ToArray());
        cursor.SeekForPrev(B(0x0F));
        Assert.False(cursor.IsValid);
    }

    [Fact]
    public void Cursor_NextAndPrev_WalkBothWaysAcrossRemovedKeys()
    {
        var p = OpenStore().GetOrCreatePartition("walk");
        for (byte i = 0; i < 10; i++)
        {
            p.Put(B(i), B(i));
        }

        p.Remove(B(3));
        p.Remove(B(4));
        p.Remove(B(9));

        using var cursor = p.OpenCursor();
        cursor.Seek(B(2));
        cursor.Next();
        Assert.Equal(B(5), cursor.Key.ToArray());
        cursor.Prev();
        Assert.Equal(B(2), cursor.Key.ToArray());
        cursor.SeekToLast();
        Assert.Equal(B(8), cursor.Key.ToArray());
        cursor.Next();
        Assert.False(cursor.IsValid);
        cursor.SeekToFirst();
        cursor.Prev();
        Assert.False(cursor.IsValid);
    }

    [Fact]
    public void IterateFrom_MissingKey_StartsAtNextKey()
    {
        var p = OpenStore().GetOrCreatePartition("from");
        for (var i = 0; i < 10; i += 2)
        {
            p.Put(SequenceKey(i), B((byte)i));
        }

        AssertKeys([SequenceKey(4), SequenceKey(6), SequenceKey(8)], p.Iterate(SequenceKey(3)).Select(e => e.Key));
        AssertKeys([SequenceKey(2), SequenceKey(0)], p.IterateReverse(SequenceKey(3)).Select(e => e.Key));
        Assert.Empty(p.Iterate(SequenceKey(9)));
        Assert.Empty(p.IterateReverse([]));
    }

    [Fact]
    public void FirstAndLast_EmptyAndFilledPartition_ReturnEnds()
    {
        var p = OpenStore().GetOrCreatePartition("ends");
        Assert.Null(p.First());
        Assert.Null(p.Last());

        p.Put(B(0x42), B(1));
        p.Put(B(0x00), B(2));
        p.Put(B(0xFF, 0xFF), B(3));

        Assert.Equal(B(0x00), p.First()!.Value.Key);
        Assert.Equal(B(2), p.First()!.Value.Value);
        Assert.Equal(B(0xFF, 0xFF), p.Last()!.Value.Key);
        Assert.Equal(B(3), p.Last()!.Value.Value);

        p.Remove(B(0x00));
        p.Remove(B(0xFF, 0xFF));
        Assert.Equal(B(0x42), p.First()!.Value.Key);
        Assert.Equal(B(0x42), p.Last()!.Value.Key);
    }

    [Fact]
    public void Cursor_NotPositioned_KeyValueNextPrevThrowInvalidOperation()
    {
        var p = OpenStore().GetOrCreatePartition("unpositioned");
        p.Put(B(1), B(1));
        using var cursor = p.OpenCursor();
        Assert.False(cursor.IsValid);
        Assert.Throws<InvalidOperationException>(() => cursor.Key.Length);
        Assert.Throws<InvalidOperationException>(() => cursor.Value.Length);
        Assert.Throws<InvalidOperationException>(cursor.Next);
        Assert.Throws<InvalidOperationException>(cursor.Prev);
    }

    [Fact]
    public void Iterate_PartitionsAreIndependentKeySpaces()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        var b = store.GetOrCreatePartition("b");
        a.Put(B(1), B(0xA));
        b.Put(B(1), B(0xB));
        b.Put(B(2), B(0xB));

        Assert.Equal(B(0xA), a.Get(B(1)));
        Assert.Equal(B(0xB), b.Get(B(1)));
        Assert.Equal(1, a.Count());
        Assert.Equal(2, b.Count());
        Assert.False(a.Contains(B(2)));
    }
}
