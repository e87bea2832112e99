using EdgeModule.Storage.InMemory;

namespace EdgeModule.Storage.Tests.InMemory;

/// <summary>Net changes of partitions: created, dropped, both within an interval, dropped and created again.</summary>
public sealed partial class InMemoryChangeTrackerTests
{
    [Fact]
    public void Drain_PartitionCreated_AppearsEmpty()
    {
        using var store = new InMemoryStore();
        var tracker = store.EnableChangeTracking();
        store.GetOrCreatePartition("new");

        var partition = Assert.Single(tracker.Drain().Partitions);
        Assert.Equal("new", partition.Name);
        Assert.True(partition.Exists);
        Assert.False(partition.Dropped);
        Assert.Empty(partition.Keys);
    }

    [Fact]
    public void Drain_PartitionOfTheBaseDropped_SupersedesItsKeys()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        p.Put(K(1), V(1));
        var tracker = store.EnableChangeTracking();
        p.Put(K(2), V(2));
        p.Remove(K(1));
        store.DropPartition("a");

        var set = tracker.Drain();

        var partition = Assert.Single(set.Partitions);
        Assert.True(partition.Dropped);
        Assert.False(partition.Exists);
        Assert.Empty(partition.Keys);
        Assert.Equal(0, set.Bytes);
    }

    [Fact]
    public void Drain_PartitionCreatedAndDroppedWithinInterval_NeverAppears()
    {
        using var store = new InMemoryStore();
        var tracker = store.EnableChangeTracking();
        store.GetOrCreatePartition("tmp").Put(K(1), V(100));
        store.DropPartition("tmp");

        Assert.True(tracker.Drain().IsEmpty);
        Assert.Equal(0, tracker.PendingBytes);
    }

    [Fact]
    public void Drain_PartitionDroppedAndCreatedAgain_DropThenNewKeys()
    {
        using var store = new InMemoryStore();
        store.GetOrCreatePartition("a").Put(K(1), V(1));
        var tracker = store.EnableChangeTracking();
        store.DropPartition("a");
        var again = store.GetOrCreatePartition("a");
        again.Put(K(1), V(3, 3));
        again.Put(K(2), V(1));
        again.Remove(K(2));

        var partition = Assert.Single(tracker.Drain().Partitions);

        Assert.True(partition.Dropped);
        Assert.True(partition.Exists);
        Assert.Equal(V(3, 3), Assert.Single(partition.Keys).Value);
    }
}
