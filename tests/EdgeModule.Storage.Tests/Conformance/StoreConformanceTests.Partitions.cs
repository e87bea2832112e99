namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public void GetOrCreatePartition_NewAndExisting_ListsEachOnceInOrdinalOrder()
    {
        var store = OpenStore();
        Assert.Empty(store.ListPartitions());
        store.GetOrCreatePartition("messages");
        store.GetOrCreatePartition("Checkpoints");
        store.GetOrCreatePartition("endpoint-1");
        store.GetOrCreatePartition("messages").Put(B(1), B(1));

        Assert.Equal(["Checkpoints", "endpoint-1", "messages"], store.ListPartitions());
        Assert.Equal(B(1), store.GetPartition("messages").Get(B(1)));
        Assert.True(store.TryGetPartition("Checkpoints", out var found));
        Assert.Equal("Checkpoints", found.Name);
        Assert.False(store.TryGetPartition("checkpoints", out _));
    }

    [Fact]
    public void DropPartition_ThenRecreate_StartsEmptyAndOldHandleThrows()
    {
        var store = OpenStore();
        var old = store.GetOrCreatePartition("queue");
        old.Put(B(1), B(1));
        var other = store.GetOrCreatePartition("other");
        other.Put(B(1), B(1));

        store.DropPartition("queue");
        Assert.Equal(["other"], store.ListPartitions());
        Assert.False(store.TryGetPartition("queue", out _));
        Assert.Throws<PartitionDroppedException>(() => old.Put(B(2), B(2)));
        Assert.Throws<PartitionDroppedException>(() => old.Get(B(1)));
        Assert.Throws<PartitionDroppedException>(() => old.Count());

        var fresh = store.GetOrCreatePartition("queue");
        Assert.Equal(0, fresh.Count());
        Assert.Null(fresh.Get(B(1)));
        fresh.Put(B(3), B(3));
        Assert.Equal(1, fresh.Count());
        Assert.Equal(B(1), other.Get(B(1)));
    }

    [Fact]
    public void PartitionNames_UnknownReservedOrMalformed_AreArgumentExceptions()
    {
        var store = OpenStore();
        Assert.Throws<ArgumentException>(() => store.GetPartition("missing"));
        Assert.Throws<ArgumentException>(() => store.DropPartition("missing"));
        Assert.Throws<ArgumentNullException>(() => store.GetOrCreatePartition(null!));
        Assert.Throws<ArgumentException>(() => store.GetOrCreatePartition(""));
        Assert.Throws<ArgumentException>(() => store.GetOrCreatePartition(StorageArguments.ReservedPartitionName));
        Assert.Throws<ArgumentException>(() => store.GetOrCreatePartition("a/b"));
        Assert.Throws<ArgumentException>(() => store.GetOrCreatePartition("tab\there"));
        Assert.Throws<ArgumentException>(() => store.GetOrCreatePartition(new string('x', StorageOptions.MaxPartitionNameBytes + 1)));
        Assert.Throws<ArgumentException>(() => store.GetOrCreatePartition("lone\uD800"));
        Assert.Empty(store.ListPartitions());

        var longest = store.GetOrCreatePartition(new string('x', StorageOptions.MaxPartitionNameBytes));
        var unicode = store.GetOrCreatePartition("température-🌡");
        Assert.Equal(2, store.ListPartitions().Count);
        Assert.Equal("température-🌡", unicode.Name);
        Assert.Equal(StorageOptions.MaxPartitionNameBytes, longest.Name.Length);
    }
}
