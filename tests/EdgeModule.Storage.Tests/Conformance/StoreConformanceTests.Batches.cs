namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public void Write_BatchAcrossPartitions_AppliesEverythingInOrder()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        var b = store.GetOrCreatePartition("b");
        a.Put(B(9), B(9));

        using var batch = store.CreateWriteBatch();
        batch.Put(a, B(1), B(1));
        batch.Put(b, B(1), B(2));
        batch.Remove(a, B(9));
        batch.Put(a, B(2), B(0));
        batch.Put(a, B(2), B(3));
        batch.Put(b, B(5), B(5));
        batch.Remove(b, B(5));
        Assert.Equal(7, batch.Count);
        store.Write(batch);

        Assert.Equal(B(1), a.Get(B(1)));
        Assert.Equal(B(3), a.Get(B(2)));
        Assert.Null(a.Get(B(9)));
        Assert.Equal(B(2), b.Get(B(1)));
        Assert.False(b.Contains(B(5)));
        Assert.Equal(2, a.Count());
        Assert.Equal(1, b.Count());
    }

    [Fact]
    public void Write_BatchArrays_AreCopiedWhenAdded()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        var key = B(1);
        var value = B(1);
        using var batch = store.CreateWriteBatch();
        batch.Put(a, key, value);
        key[0] = 2;
        value[0] = 2;
        store.Write(batch);

        Assert.Equal(B(1), a.Get(B(1)));
        Assert.False(a.Contains(B(2)));
    }

    [Fact]
    public void Write_BatchWithDroppedPartition_FailsAndChangesNothing()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        var doomed = store.GetOrCreatePartition("doomed");
        a.Put(B(1), B(1));

        using var batch = store.CreateWriteBatch();
        batch.Put(a, B(2), B(2));
        batch.Remove(a, B(1));
        batch.Put(doomed, B(1), B(1));
        store.DropPartition("doomed");

        Assert.Throws<PartitionDroppedException>(() => store.Write(batch));
        Assert.Equal(B(1), a.Get(B(1)));
        Assert.False(a.Contains(B(2)));
        Assert.Equal(1, a.Count());
    }

    [Fact]
    public void BatchPut_BadArguments_RejectedWhenAddedAndBatchStillUsable()
    {
        var store = OpenStore(new StorageOptions { MaxKeyBytes = 8, MaxValueBytes = 16 });
        var a = store.GetOrCreatePartition("a");
        using var batch = store.CreateWriteBatch();
        batch.Put(a, B(1), B(1));

        Assert.Throws<ArgumentNullException>(() => batch.Put(a, null!, B(1)));
        Assert.Throws<ArgumentNullException>(() => batch.Put(a, B(1), null!));
        Assert.Throws<ArgumentNullException>(() => batch.Put(null!, B(1), B(1)));
        Assert.Throws<ArgumentException>(() => batch.Put(a, new byte[9], B(1)));
        Assert.Throws<ArgumentException>(() => batch.Put(a, B(1), new byte[17]));
        Assert.Throws<ArgumentException>(() => batch.Remove(a, new byte[9]));
        Assert.Equal(1, batch.Count);

        store.Write(batch);
        Assert.Equal(B(1), a.Get(B(1)));
    }

    [Fact]
    public void Write_PartitionOrBatchOfAnotherStore_IsArgumentException()
    {
        var store = OpenStore();
        using var other = new EdgeModule.Storage.InMemory.InMemoryStore();
        var foreign = other.GetOrCreatePartition("a");
        using var batch = store.CreateWriteBatch();

        Assert.Throws<ArgumentException>(() => batch.Put(foreign, B(1), B(1)));
        using var foreignBatch = other.CreateWriteBatch();
        Assert.Throws<ArgumentException>(() => store.Write(foreignBatch));
        Assert.Throws<ArgumentNullException>(() => store.Write(null!));
    }

    [Fact]
    public void Write_ClearedAndEmptyBatches_AreNoOps()
    {
        var store = OpenStore();
        var a = store.GetOrCreatePartition("a");
        using var batch = store.CreateWriteBatch();
        store.Write(batch);
        batch.Put(a, B(1), B(1));
        batch.Clear();
        Assert.Equal(0, batch.Count);
        store.Write(batch);
        Assert.Equal(0, a.Count());

        batch.Put(a, B(2), B(2));
        store.Write(batch);
        store.Write(batch);
        Assert.Equal(1, a.Count());
    }

    [Fact]
    public void BatchPut_FromSpans_CopiesTheViewsAndChecksLimits()
    {
        var store = OpenStore(new StorageOptions { MaxKeyBytes = 8, MaxValueBytes = 16 });
        var a = store.GetOrCreatePartition("a");
        Span<byte> buffer = stackalloc byte[32];
        buffer.Fill(7);
        using var batch = store.CreateWriteBatch();
        batch.Put(a, buffer[..2], buffer[2..6]);
        buffer.Clear();
        batch.Put(a, buffer[..1], ReadOnlySpan<byte>.Empty);

        var tooLongKey = Assert.Throws<ArgumentException>(() => batch.Put(a, new byte[9].AsSpan(), ReadOnlySpan<byte>.Empty));
        Assert.Contains("9 bytes", tooLongKey.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => batch.Put(a, ReadOnlySpan<byte>.Empty, new byte[17].AsSpan()));
        Assert.Equal(2, batch.Count);
        store.Write(batch);

        Assert.Equal(B(7, 7, 7, 7), a.Get(B(7, 7)));
        Assert.Empty(a.Get(B(0))!);
    }
}
