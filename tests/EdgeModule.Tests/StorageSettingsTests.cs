using System.Collections;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

namespace EdgeModule.Tests;

public sealed class StorageSettingsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-settings-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static StorageSettings Read(params (string Name, string Value)[] variables)
    {
        var env = new Hashtable();
        foreach (var (name, value) in variables)
        {
            env[name] = value;
        }

        return StorageSettings.FromEnvironment(new EnvironmentReader(env));
    }

    [Fact]
    public void FromEnvironment_NothingSet_UsesDocumentedDefaults()
    {
        var s = Read();
        Assert.True(s.UsePersistentStorage);
        Assert.True(s.StorageFolderIsDefault);
        Assert.Equal(StorageSettings.DefaultStorageFolder, s.StorageFolder);
        Assert.Equal(StorageSettings.DefaultMaxStoreSizeBytes, s.MaxStoreSizeBytes);
        Assert.Equal(RocksDbStoreOptions.DefaultMaxTotalWalSizeBytes, s.RocksDbMaxTotalWalSize);
        Assert.Equal(RocksDbStoreOptions.DefaultMaxOpenFiles, s.RocksDbMaxOpenFiles);
        Assert.Equal(RocksDbStoreOptions.DefaultMaxWriteBufferNumber, s.RocksDbMaxWriteBufferNumber);
        Assert.Equal(RocksDbCompression.Lz4, s.RocksDbCompression);
        Assert.False(s.RocksDbEnableInfoLog);
    }

    [Fact]
    public void FromEnvironment_ValidValues_AreParsed()
    {
        var s = Read(
            ("UsePersistentStorage", "FALSE"),
            ("StorageFolder", _folder.FullName),
            ("MaxStoreSizeBytes", "1048576"),
            ("RocksDB_MaxTotalWalSize", "2097152"),
            ("RocksDB_MaxOpenFiles", "-1"),
            ("RocksDB_MaxWriteBufferNumber", "4"),
            ("RocksDB_Compression", "zstd"),
            ("RocksDB_EnableInfoLog", "true"));
        Assert.False(s.UsePersistentStorage);
        Assert.Equal(_folder.FullName, s.StorageFolder);
        Assert.Equal(1048576, s.MaxStoreSizeBytes);
        Assert.Equal(2097152, s.RocksDbMaxTotalWalSize);
        Assert.Equal(-1, s.RocksDbMaxOpenFiles);
        Assert.Equal(4, s.RocksDbMaxWriteBufferNumber);
        Assert.Equal(RocksDbCompression.Zstd, s.RocksDbCompression);
        Assert.True(s.RocksDbEnableInfoLog);
        using var store = s.OpenStore();
        Assert.IsType<InMemoryStore>(store);
    }

    [Theory]
    [InlineData("UsePersistentStorage", "yes")]
    [InlineData("UsePersistentStorage", "1")]
    [InlineData("MaxStoreSizeBytes", "-5")]
    [InlineData("MaxStoreSizeBytes", "10MB")]
    [InlineData("RocksDB_MaxTotalWalSize", "1")]
    [InlineData("RocksDB_MaxOpenFiles", "5")]
    [InlineData("RocksDB_MaxOpenFiles", "many")]
    [InlineData("RocksDB_MaxWriteBufferNumber", "1")]
    [InlineData("RocksDB_MaxWriteBufferNumber", "17")]
    [InlineData("RocksDB_MaxWriteBufferNumber", "three")]
    [InlineData("RocksDB_Compression", "gzip")]
    [InlineData("RocksDB_Compression", "1")]
    [InlineData("RocksDB_EnableInfoLog", "on")]
    public void FromEnvironment_InvalidValue_NamesVariableAndValue(string variable, string value)
    {
        var e = Assert.Throws<SettingsException>(() => Read((variable, value), ("StorageFolder", _folder.FullName)));
        Assert.Contains($"{variable}='{value}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_UnwritableStorageFolder_NamesVariableAndPath()
    {
        var file = Path.Combine(_folder.FullName, "a-file");
        File.WriteAllText(file, "not a folder");
        var e = Assert.Throws<SettingsException>(() => Read(("StorageFolder", Path.Combine(file, "store"))));
        Assert.Contains("StorageFolder=", e.Message, StringComparison.Ordinal);
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenStore_Persistent_OpensRocksDbUnderStorageFolder()
    {
        var s = Read(("StorageFolder", _folder.FullName));
        using (var store = s.OpenStore())
        {
            Assert.Equal("rocksdb", store.BackendName);
            store.GetOrCreatePartition("p").Put([1], [2]);
        }

        Assert.True(Directory.Exists(Path.Combine(_folder.FullName, "rocksdb")));
        using var reopened = s.OpenStore();
        Assert.Equal([2], reopened.GetPartition("p").Get([1]));
    }
}
