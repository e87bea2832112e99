namespace EdgeModule.Storage.RocksDb.Tests.Native;

/// <summary>Native <c>char** errptr</c> failures arrive as <see cref="StorageException"/> carrying RocksDB's own text.</summary>
public sealed class NativeErrorTests : RocksDbTestBase
{
    [Fact]
    public void Open_PathIsAFile_ThrowsRocksDbExceptionWithNativeMessage()
    {
        File.WriteAllText(DbPath, "not a database");

        var ex = Assert.Throws<RocksDbException>(() => Open());

        Assert.IsAssignableFrom<StorageException>(ex);
        Assert.Contains("is not a directory", ex.NativeMessage, StringComparison.Ordinal);
        Assert.Contains(ex.NativeMessage!, ex.Message, StringComparison.Ordinal);
        Assert.Contains(DbPath, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderAlreadyOpen_ThrowsLockErrorAndFirstStoreKeepsWorking()
    {
        var first = Open();
        first.GetOrCreatePartition("a").Put([1], [1]);

        var ex = Assert.Throws<RocksDbException>(() => Open());

        Assert.Contains("lock", ex.NativeMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([1], first.GetPartition("a").Get([1]));
    }

    [Fact]
    public void Open_ManyFailures_LeakNothingThatBlocksALaterOpen()
    {
        var first = Open();
        for (var i = 0; i < 50; i++)
        {
            Assert.Throws<RocksDbException>(() => Open());
        }

        first.Dispose();
        var second = Open();
        Assert.Empty(second.ListPartitions());
    }

    [Fact]
    public void Open_UnreadableIdentity_IsAStorageException()
    {
        Open().Dispose();
        File.Delete(Path.Combine(DbPath, "IDENTITY"));
        System.IO.Directory.CreateDirectory(Path.Combine(DbPath, "IDENTITY"));

        // RocksDB itself trips over a folder named IDENTITY, or the store does when it reads it: a StorageException either way.
        Assert.ThrowsAny<StorageException>(() => Open());
    }
}
