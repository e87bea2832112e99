using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb.Tests.Native;

public sealed class RocksDbLibraryTests
{
    [Fact]
    public void Load_NoCandidateLoads_ThrowsDllNotFoundNamingTheDebianPackage()
    {
        string[] candidates = ["librocksdb-missing.so", "librocksdb-missing.so.7.8"];

        var ex = Assert.Throws<DllNotFoundException>(() => RocksDbLibrary.Load(candidates));

        Assert.Contains("librocksdb-missing.so, librocksdb-missing.so.7.8", ex.Message, StringComparison.Ordinal);
        Assert.Contains("librocksdb7.8", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install librocksdb7.8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LaterCandidateExists_LoadsIt()
    {
        Assert.NotEqual(0, RocksDbLibrary.Load(["librocksdb-missing.so", "librocksdb.so.7.8"]));
    }

    [Fact]
    public void Candidates_Default_UnversionedFirstThenRuntimeSonames()
    {
        Assert.Equal(["librocksdb.so", "librocksdb.so.7.8", "librocksdb.so.7"], RocksDbLibrary.Candidates);
    }
}
