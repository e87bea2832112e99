namespace EdgeModule.Storage.RocksDb.Tests;

/// <summary>RocksDB's own diagnostics, read through the property interface.</summary>
public sealed class RocksDbPropertyTests : RocksDbTestBase
{
    [Fact]
    public void GetProperty_KnownNames_ReturnRocksDbsText()
    {
        var store = Open();
        var partition = store.GetOrCreatePartition("p");
        for (var i = 0; i < 100; i++)
        {
            partition.Put(SequenceKey(i), new byte[100]);
        }

        var stats = store.GetProperty("rocksdb.stats");

        Assert.NotNull(stats);
        Assert.Contains("Cumulative stall:", stats, StringComparison.Ordinal);
        Assert.True(long.Parse(store.GetProperty("rocksdb.cur-size-all-mem-tables")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void GetProperty_UnknownName_IsNull()
    {
        Assert.Null(Open().GetProperty("rocksdb.no-such-property"));
    }

    [Fact]
    public void GetProperty_AfterDispose_Throws()
    {
        var store = Open();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.GetProperty("rocksdb.stats"));
    }
}
