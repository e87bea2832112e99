namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public void PutGet_RoundTrip_ReturnsACopy()
    {
        var p = OpenStore().GetOrCreatePartition("points");
        var key = Utf8("k");
        var value = Utf8("value");
        p.Put(key, value);

        value[0] = (byte)'X';
        key[0] = (byte)'z';
        var read = p.Get(Utf8("k"))!;
        Assert.Equal(Utf8("value"), read);

        read[0] = (byte)'Y';
        Assert.Equal(Utf8("value"), p.Get(Utf8("k")));
        Assert.Null(p.Get(Utf8("z")));
    }

    [Fact]
    public void Put_ExistingKey_OverwritesWithoutChangingCount()
    {
        var p = OpenStore().GetOrCreatePartition("overwrite");
        p.Put(B(1), B(1));
        p.Put(B(1), B(2, 2));

        Assert.Equal(B(2, 2), p.Get(B(1)));
        Assert.Equal(1, p.Count());
    }

    [Fact]
    public void Remove_PresentAndAbsentKeys_OnlyPresentOneCounts()
    {
        var p = OpenStore().GetOrCreatePartition("remove");
        p.Put(B(1), B(1));
        p.Put(B(2), B(2));

        p.Remove(B(1));
        p.Remove(B(1));
        p.Remove(B(9));

        Assert.False(p.Contains(B(1)));
        Assert.Null(p.Get(B(1)));
        Assert.True(p.Contains(B(2)));
        Assert.Equal(1, p.Count());

        p.Put(B(1), B(3));
        Assert.Equal(B(3), p.Get(B(1)));
        Assert.Equal(2, p.Count());
    }

    [Fact]
    public void Put_EmptyValueAndEmptyKey_AreStoredAndDistinctFromAbsent()
    {
        var p = OpenStore().GetOrCreatePartition("empty");
        p.Put([], []);
        p.Put(B(0), []);

        Assert.True(p.Contains([]));
        Assert.Empty(p.Get([])!);
        Assert.Empty(p.Get(B(0))!);
        Assert.Equal(2, p.Count());
    }

    [Fact]
    public void Put_OneMebibyteValue_RoundTripsByteExact()
    {
        var p = OpenStore().GetOrCreatePartition("large");
        var value = new byte[1024 * 1024];
        new Random(7).NextBytes(value);
        p.Put(B(1), value);

        Assert.Equal(value, p.Get(B(1)));
        using var cursor = p.OpenCursor();
        cursor.SeekToFirst();
        Assert.True(cursor.Value.SequenceEqual(value));
    }

    [Fact]
    public void Count_ManyKeys_IsExact()
    {
        var p = OpenStore().GetOrCreatePartition("count");
        for (var i = 0; i < 5000; i++)
        {
            p.Put(SequenceKey(i), B((byte)i));
        }

        for (var i = 0; i < 5000; i += 3)
        {
            p.Remove(SequenceKey(i));
        }

        Assert.Equal(5000 - 1667, p.Count());
        Assert.Equal(5000 - 1667, Keys(p).Count);
    }

    [Fact]
    public void Cursor_ValueSpans_MatchStoredBytesIncludingZeroBytes()
    {
        var p = OpenStore().GetOrCreatePartition("zero");
        p.Put(B(0, 0, 0), B(0, 1, 0));
        using var cursor = p.OpenCursor();
        cursor.SeekToFirst();
        Assert.Equal(B(0, 0, 0), cursor.Key.ToArray());
        Assert.Equal(B(0, 1, 0), cursor.Value.ToArray());
    }
}
