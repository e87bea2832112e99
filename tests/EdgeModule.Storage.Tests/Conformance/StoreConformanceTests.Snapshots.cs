namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public void Snapshot_LaterWrites_AreInvisibleToIt()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        var b = store.GetOrCreatePartition("b");
        a.Put(B(1), B(1));
        a.Put(B(2), B(2));
        b.Put(B(1), B(1));

        using var snapshot = store.CreateSnapshot();
        a.Put(B(1), B(0xAA));
        a.Remove(B(2));
        a.Put(B(3), B(3));
        b.Remove(B(1));
        store.GetOrCreatePartition("c").Put(B(1), B(1));

        Assert.Equal(["a", "b"], snapshot.ListPartitions());
        var sa = snapshot.GetPartition("a");
        Assert.Equal(B(1), sa.Get(B(1)));
        Assert.Equal(B(2), sa.Get(B(2)));
        Assert.False(sa.Contains(B(3)));
        Assert.Equal(2, sa.Count());
        AssertKeys([B(1), B(2)], Keys(sa));
        AssertKeys([B(2), B(1)], KeysReverse(sa));
        Assert.Equal(B(1), snapshot.GetPartition("b").Get(B(1)));
        Assert.Throws<ArgumentException>(() => snapshot.GetPartition("c"));

        Assert.Equal(B(0xAA), a.Get(B(1)));
        Assert.Equal(2, a.Count());
    }

    [Fact]
    public void Snapshot_SequenceGrowsWithCommittedWrites()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        long first;
        using (var s1 = store.CreateSnapshot())
        {
            first = s1.Sequence;
        }

        a.Put(B(1), B(1));
        using var s2 = store.CreateSnapshot();
        Assert.True(s2.Sequence > first);
    }

    [Fact]
    public void Cursor_WritesAfterOpening_AreInvisibleToIt()
    {
        var p = OpenStore().GetOrCreatePartition("pit");
        for (var i = 0; i < 10; i++)
        {
            p.Put(SequenceKey(i), B((byte)i));
        }

        using var cursor = p.OpenCursor();
        p.Remove(SequenceKey(0));
        p.Put(SequenceKey(5), B(0xFF));
        p.Put(SequenceKey(100), B(100));

        var seen = new List<long>();
        for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
        {
            seen.Add(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(cursor.Key[8..]));
            if (seen[^1] == 5)
            {
                Assert.Equal(B(5), cursor.Value.ToArray());
            }
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), seen);
    }

    [Fact]
    public void ScanCursor_OfSnapshotAndLivePartition_ReadsWhatACursorReads()
    {
        var store = OpenStore();
        var p = store.GetOrCreatePartition("scan");
        for (var i = 0; i < 300; i++)
        {
            p.Put(SequenceKey(i), new byte[i]);
        }

        using var snapshot = store.CreateSnapshot();
        p.Put(SequenceKey(1000), B(1));

        Assert.Equal(Scan(snapshot.GetPartition("scan").OpenCursor()), Scan(snapshot.GetPartition("scan").OpenScanCursor()));
        Assert.Equal(300, Scan(snapshot.GetPartition("scan").OpenScanCursor()).Count);
        Assert.Equal(Scan(p.OpenCursor()), Scan(p.OpenScanCursor()));
        using var seeking = snapshot.GetPartition("scan").OpenScanCursor();
        seeking.Seek(SequenceKey(150));
        Assert.Equal(SequenceKey(150), seeking.Key.ToArray());

        static List<string> Scan(IPartitionCursor cursor)
        {
            using (cursor)
            {
                var entries = new List<string>();
                for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
                {
                    entries.Add(Convert.ToHexString(cursor.Key) + ":" + cursor.Value.Length);
                }

                return entries;
            }
        }
    }

    [Fact]
    public void Snapshot_PartitionDroppedAfterIt_StillReadsTheOldData()
    {
        var store = OpenStore();
        var p = store.GetOrCreatePartition("dropme");
        p.Put(B(1), B(1));
        using var snapshot = store.CreateSnapshot();
        store.DropPartition("dropme");

        var view = snapshot.GetPartition("dropme");
        Assert.Equal(B(1), view.Get(B(1)));
        AssertKeys([B(1)], Keys(view));
    }

    [Fact]
    public void Snapshot_Disposed_ViewsThrowObjectDisposedButOpenCursorsKeepWorking()
    {
        var store = OpenStore();
        var p = store.GetOrCreatePartition("a");
        p.Put(B(1), B(1));
        var snapshot = store.CreateSnapshot();
        var view = snapshot.GetPartition("a");
        using var cursor = view.OpenCursor();
        p.Put(B(1), B(2));
        snapshot.Dispose();
        snapshot.Dispose();

        Assert.Throws<ObjectDisposedException>(() => view.Get(B(1)));
        Assert.Throws<ObjectDisposedException>(() => snapshot.ListPartitions());
        p.Put(B(1), B(3));
        cursor.SeekToFirst();
        Assert.Equal(B(1), cursor.Value.ToArray());
    }
}
