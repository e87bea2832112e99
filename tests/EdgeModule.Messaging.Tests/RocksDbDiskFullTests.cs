using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage;
using EdgeModule.Storage.RocksDb;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Messaging.Tests;

/// <summary>Issue 11 defect 7: RocksDB on a real disk that fills up; the refusal is visible at warning, once.</summary>
public sealed class RocksDbDiskFullTests() : MessagingTestBase(Backend.RocksDb)
{
    [Fact]
    public void Enqueue_DiskFull_LogsTheNativeFailureOnceAtWarning()
    {
        using var disk = TmpfsMount.TryCreate("2m", out var reason);
        Assert.SkipWhen(disk is null, reason);
        var filler = Path.Combine(disk!.Path, "filler");
        File.WriteAllBytes(filler, new byte[256 << 10]);
        using var kv = new RocksDbStore(new RocksDbStoreOptions { Path = Path.Combine(disk.Path, "db") });
        using var store = new MessageStore(kv, new MessageStoreOptions { Routes = Routes }, Clock, StoreLog);
        var stored = 0;

        var error = Assert.ThrowsAny<StorageException>(void () =>
        {
            while (true)
            {
                store.Enqueue("one", Message(stored, 1000));
                stored++;
            }
        });
        for (var i = 0; i < 5; i++)
        {
            Assert.ThrowsAny<StorageException>(() => store.Enqueue("one", Message(stored, 1000)));
        }

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        var warning = Assert.Single(StoreLog.Entries, e => e.EventId == 3018);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("No space left on device", warning.Message, StringComparison.Ordinal);
        Assert.Equal(0, StoreLog.Count(3019));
        Assert.Equal(stored, store.GetStats().MessageCount);

        // Freeing space does not help this RocksDB (7.8): after a failed WAL write it keeps refusing writes until it
        // is reopened, and its C API has no rocksdb_resume. So the clearing side (3019) is tested where a failure can
        // clear; here the refusals go on, and are not logged again.
        File.Delete(filler);
        Assert.ThrowsAny<StorageException>(() => store.Enqueue("one", Message(stored, 1000)));
        Assert.Single(StoreLog.Entries, e => e.EventId is 3018 or 3002);
    }
}
