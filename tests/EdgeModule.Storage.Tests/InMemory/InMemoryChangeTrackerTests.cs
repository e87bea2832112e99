using EdgeModule.Storage.InMemory;

namespace EdgeModule.Storage.Tests.InMemory;

/// <summary>The net-change semantics a journal relies on: what a drain returns after each kind of write.</summary>
public sealed partial class InMemoryChangeTrackerTests
{
    private static byte[] K(int i) => [(byte)(i >> 8), (byte)i];

    private static byte[] V(int size, byte fill = 1) => Enumerable.Repeat(fill, size).ToArray();

    [Fact]
    public void Drain_NothingWritten_IsEmpty()
    {
        using var store = new InMemoryStore();
        store.GetOrCreatePartition("a").Put(K(1), V(3));
        var tracker = store.EnableChangeTracking();

        var set = tracker.Drain();

        Assert.True(set.IsEmpty);
        Assert.Equal(0, set.Bytes);
        Assert.Null(set.OldestChange);
        Assert.Equal(store.Sequence, set.Sequence);
    }

    [Fact]
    public void Drain_NewKeyPutThenRemovedWithinInterval_NeverAppears()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        var tracker = store.EnableChangeTracking();
        p.Put(K(1), V(100));
        Assert.Equal(102, tracker.PendingBytes);
        p.Remove(K(1));

        Assert.False(tracker.HasPendingChanges);
        Assert.Equal(0, tracker.PendingBytes);
        Assert.Null(tracker.OldestPendingChange);
        Assert.True(tracker.Drain().IsEmpty);
    }

    [Fact]
    public void Drain_KeyOfTheBaseRemoved_IsTombstone()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        p.Put(K(1), V(10));
        var tracker = store.EnableChangeTracking();
        p.Put(K(1), V(20, 2));
        p.Remove(K(1));

        var set = tracker.Drain();

        var change = Assert.Single(Assert.Single(set.Partitions).Keys);
        Assert.Equal(K(1), change.Key);
        Assert.Null(change.Value);
        Assert.Equal(2, set.Bytes);
    }

    [Fact]
    public void Drain_KeyWrittenInPreviousInterval_RemovedNow_IsTombstone()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        var tracker = store.EnableChangeTracking();
        p.Put(K(1), V(10));
        Assert.Single(Assert.Single(tracker.Drain().Partitions).Keys);
        p.Remove(K(1));

        var change = Assert.Single(Assert.Single(tracker.Drain().Partitions).Keys);
        Assert.Null(change.Value);
    }

    [Fact]
    public void Drain_Overwrites_KeepNewestValueOnly()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        var tracker = store.EnableChangeTracking();
        p.Put(K(1), V(10, 1));
        p.Put(K(1), V(30, 3));
        p.Put(K(1), V(20, 2));

        var set = tracker.Drain();

        var change = Assert.Single(Assert.Single(set.Partitions).Keys);
        Assert.Equal(V(20, 2), change.Value);
        Assert.Equal(22, set.Bytes);
        Assert.Equal(store.Sequence, set.Sequence);
    }

    [Fact]
    public void Drain_RemovedThenPutAgain_IsPut()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        p.Put(K(1), V(1));
        var tracker = store.EnableChangeTracking();
        p.Remove(K(1));
        p.Put(K(1), V(5, 5));

        Assert.Equal(V(5, 5), Assert.Single(Assert.Single(tracker.Drain().Partitions).Keys).Value);
    }

    [Fact]
    public void Drain_RemoveOfMissingKey_IsNoChange()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        var tracker = store.EnableChangeTracking();
        p.Remove(K(1));

        Assert.True(tracker.Drain().IsEmpty);
    }

    [Fact]
    public void Drain_SortsPartitionsOrdinallyAndKeysBytewise()
    {
        using var store = new InMemoryStore();
        var b = store.GetOrCreatePartition("b");
        var a = store.GetOrCreatePartition("a");
        var tracker = store.EnableChangeTracking();
        byte[][] keys = [[2], [1, 0], [1], [0xFF], [0x80, 1]];
        foreach (var key in keys)
        {
            b.Put(key, [7]);
            a.Put(key, [7]);
        }

        var set = tracker.Drain();

        Assert.Equal(["a", "b"], set.Partitions.Select(p => p.Name));
        byte[][] expected = [[1], [1, 0], [2], [0x80, 1], [0xFF]];
        Assert.Equal(expected, set.Partitions[0].Keys.Select(k => k.Key));
        Assert.Equal(10, set.KeyCount);
    }

    [Fact]
    public void Drain_BatchAcrossPartitions_RecordsEveryPartitionAndNetsWithinTheBatch()
    {
        using var store = new InMemoryStore();
        var a = store.GetOrCreatePartition("a");
        var b = store.GetOrCreatePartition("b");
        a.Put(K(9), V(1));
        var tracker = store.EnableChangeTracking();
        using var batch = store.CreateWriteBatch();
        batch.Put(a, K(1), V(4));
        batch.Remove(a, K(1));
        batch.Remove(a, K(9));
        batch.Put(b, K(2), V(6));
        store.Write(batch);

        var set = tracker.Drain();

        Assert.Equal(["a", "b"], set.Partitions.Select(p => p.Name));
        var removed = Assert.Single(set.Partitions[0].Keys);
        Assert.Equal(K(9), removed.Key);
        Assert.Null(removed.Value);
        Assert.Equal(V(6), Assert.Single(set.Partitions[1].Keys).Value);
    }
}
