namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public void Reopen_PersistentBackendKeepsData_InMemoryBackendStartsEmpty()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        store.GetOrCreatePartition("empty");
        var b = store.GetOrCreatePartition("b");
        a.Put(B(1), B(1));
        b.Put(B(2), B(2));
        using (var batch = store.CreateWriteBatch())
        {
            batch.Put(a, B(3), B(3));
            batch.Remove(b, B(2));
            store.Write(batch);
        }

        store.Dispose();

        var reopened = OpenStore();
        if (!IsPersistent)
        {
            // By design: the in-memory backend keeps nothing across reopen; the backup service does that.
            Assert.Empty(reopened.ListPartitions());
            return;
        }

        Assert.Equal(["a", "b", "empty"], reopened.ListPartitions());
        AssertKeys([B(1), B(3)], Keys(reopened.GetPartition("a")));
        Assert.Equal(0, reopened.GetPartition("b").Count());
        Assert.Equal(0, reopened.GetPartition("empty").Count());
    }

    [Fact]
    public void Reopen_AfterDrop_DroppedPartitionStaysDropped()
    {
        var store = OpenStore();
        store.GetOrCreatePartition("gone").Put(B(1), B(1));
        store.GetOrCreatePartition("kept");
        store.DropPartition("gone");
        store.Dispose();

        var reopened = OpenStore();
        Assert.Equal(IsPersistent ? ["kept"] : [], reopened.ListPartitions());
        Assert.Equal(0, reopened.GetOrCreatePartition("gone").Count());
    }

    [Fact]
    public void Dispose_ThenEveryCall_ThrowsObjectDisposed()
    {
        var store = OpenStore();
        var p = store.GetOrCreatePartition("a");
        p.Put(B(1), B(1));
        var batch = store.CreateWriteBatch();
        batch.Put(p, B(2), B(2));
        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.GetOrCreatePartition("a"));
        Assert.Throws<ObjectDisposedException>(() => store.GetPartition("a"));
        Assert.Throws<ObjectDisposedException>(() => store.TryGetPartition("a", out _));
        Assert.Throws<ObjectDisposedException>(() => store.ListPartitions());
        Assert.Throws<ObjectDisposedException>(() => store.DropPartition("a"));
        Assert.Throws<ObjectDisposedException>(() => store.CreateWriteBatch());
        Assert.Throws<ObjectDisposedException>(() => store.CreateSnapshot());
        Assert.Throws<ObjectDisposedException>(() => store.Write(batch));
        Assert.Throws<ObjectDisposedException>(() => p.Put(B(1), B(1)));
        Assert.Throws<ObjectDisposedException>(() => p.Remove(B(1)));
        Assert.Throws<ObjectDisposedException>(() => p.Get(B(1)));
        Assert.Throws<ObjectDisposedException>(() => p.Contains(B(1)));
        Assert.Throws<ObjectDisposedException>(() => p.Count());
        Assert.Throws<ObjectDisposedException>(() => p.OpenCursor());
        batch.Dispose();
    }

    [Fact]
    public void Dispose_WhileCursorAndSnapshotOpen_TheyKeepReadingTheirPointInTime()
    {
        var store = OpenStore();
        var p = store.GetOrCreatePartition("a");
        for (var i = 0; i < 100; i++)
        {
            p.Put(SequenceKey(i), B((byte)i));
        }

        var cursor = p.OpenCursor();
        cursor.SeekToFirst();
        var snapshot = store.CreateSnapshot();
        store.Dispose();

        // The contract: cursors and snapshots opened before the dispose keep reading their point in time.
        var read = 0;
        for (; cursor.IsValid; cursor.Next())
        {
            read++;
        }

        Assert.Equal(100, read);
        Assert.Equal(100, snapshot.GetPartition("a").Count());
        Assert.Equal(B(0), snapshot.GetPartition("a").Get(SequenceKey(0)));

        cursor.Dispose();
        cursor.Dispose();
        snapshot.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cursor.SeekToFirst());
    }
}
