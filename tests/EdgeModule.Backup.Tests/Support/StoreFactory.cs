using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>Opens a fresh, empty store of a backend; RocksDB stores live in a folder deleted with the store.</summary>
public static partial class StoreFactory
{
    public static IReadOnlyList<Backend> All => [Backend.Memory, Backend.RocksDb];

    public static IKeyValueStore Create(Backend backend, TempFolder folder) => backend switch
    {
        Backend.Memory => new InMemoryStore(new InMemoryStoreOptions { MaxValueBytes = 64 << 20 }),
        Backend.RocksDb => CreateRocksDb(folder.Sub($"rocksdb-{Guid.NewGuid():N}")),
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };
}
