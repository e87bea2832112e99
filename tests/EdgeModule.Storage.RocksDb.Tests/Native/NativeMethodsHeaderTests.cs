using System.Reflection;
using EdgeModule.Storage.RocksDb.Native;
using EdgeModule.Tests.Shared.NativeSignatures;

namespace EdgeModule.Storage.RocksDb.Tests.Native;

/// <summary>The RocksDB binding against Debian's <c>rocksdb/c.h</c> (librocksdb-dev, 7.8).</summary>
public sealed class NativeMethodsHeaderTests : HeaderBindingTests
{
    protected override string HeaderPath => "/usr/include/rocksdb/c.h";

    protected override string ExportMacro => "ROCKSDB_LIBRARY_API";

    protected override string HeaderPackage => "librocksdb-dev";

    protected override string Library => NativeMethods.Library;

    protected override Assembly Binding => typeof(NativeMethods).Assembly;

    [Fact]
    public void ReadPrototypes_RocksDbHeader_ReadsTheWidestImportWhole()
    {
        var function = ReadHeader().Single(f => f.Name == "rocksdb_open_column_families");

        Assert.Equal(
            "rocksdb_t* rocksdb_open_column_families(rocksdb_options_t* options, char* name, int num_column_families, " +
            "char** column_family_names, rocksdb_options_t** column_family_options, " +
            "rocksdb_column_family_handle_t** column_family_handles, char** errptr)",
            function.ToString());
    }
}
