namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public void PointOperations_NullKeyOrValue_AreArgumentNullExceptions()
    {
        var p = OpenStore().GetOrCreatePartition("a");
        Assert.Throws<ArgumentNullException>(() => p.Put(null!, B(1)));
        Assert.Throws<ArgumentNullException>(() => p.Put(B(1), null!));
        Assert.Throws<ArgumentNullException>(() => p.Get(null!));
        Assert.Throws<ArgumentNullException>(() => p.Contains(null!));
        Assert.Throws<ArgumentNullException>(() => p.Remove(null!));
        Assert.Equal(0, p.Count());
    }

    [Fact]
    public void PointOperations_OversizedKeyOrValue_AreArgumentExceptionsAndStoreNothing()
    {
        var p = OpenStore(new StorageOptions { MaxKeyBytes = 32, MaxValueBytes = 1024 }).GetOrCreatePartition("a");
        var ex = Assert.Throws<ArgumentException>(() => p.Put(new byte[33], B(1)));
        Assert.Contains("33", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => p.Put(B(1), new byte[1025]));
        Assert.Throws<ArgumentException>(() => p.Get(new byte[33]));
        Assert.Throws<ArgumentException>(() => p.Remove(new byte[33]));
        Assert.Equal(0, p.Count());

        p.Put(new byte[32], new byte[1024]);
        Assert.Equal(1, p.Count());
    }

    [Fact]
    public void Options_OutOfRangeLimits_AreRejectedAtOpen()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenStore(new StorageOptions { MaxKeyBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenStore(new StorageOptions { MaxValueBytes = -1 }));
    }
}
