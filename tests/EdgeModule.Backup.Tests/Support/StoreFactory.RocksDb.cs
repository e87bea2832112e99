using EdgeModule.Storage;
using EdgeModule.Storage.RocksDb;

namespace EdgeModule.Backup.Tests.Support;

public static partial class StoreFactory
{
    private static IKeyValueStore CreateRocksDb(string path) =>
        new RocksDbStore(new RocksDbStoreOptions { Path = path, MaxValueBytes = 64 << 20 });
}
