using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Store;

/// <summary>Opens the module's key-value store: RocksDB under StorageFolder, or in memory. Registered in DI as <see cref="IKeyValueStore"/>.</summary>
public sealed partial class StoreFactory(ModuleOptions options, StoreSwitch storeSwitch, ILogger<StoreFactory> logger)
{
    public IKeyValueStore Open()
    {
        var storage = options.Storage;
        if (storage.UsePersistentStorage && storage.StorageFolderIsDefault)
        {
            LogDefaultFolder(logger, storage.StorageFolder);
        }

        storeSwitch.PrepareBeforeOpen();
        IKeyValueStore store = storage.UsePersistentStorage
            ? new RocksDbStore(new RocksDbStoreOptions
            {
                Path = storage.RocksDbPath,
                MaxTotalWalSizeBytes = storage.RocksDbMaxTotalWalSize,
                WriteBufferSizeBytes = storage.RocksDbWriteBufferSize,
                MaxWriteBufferNumber = storage.RocksDbMaxWriteBufferNumber,
                MaxOpenFiles = storage.RocksDbMaxOpenFiles,
                Compression = storage.RocksDbCompression,
                EnableInfoLog = storage.RocksDbEnableInfoLog,
            })
            : new InMemoryStore(new InMemoryStoreOptions
            {
                MemoryLimitBytes = MemoryLimitFor(storage.MaxStoreSizeBytes),
            });
        LogReady(logger, store.BackendName, storage.UsePersistentStorage ? storage.RocksDbPath : "(memory)", store.ListPartitions().Count);
        return store;
    }

    /// <summary>
    /// The in-memory backend's own hard limit for a MaxStoreSizeBytes (0 = none): twice it, since the backend also
    /// counts queue entries, versions kept for readers and per-entry overhead.
    /// </summary>
    public static long MemoryLimitFor(long maxStoreSizeBytes) =>
        maxStoreSizeBytes == 0 ? 0 : maxStoreSizeBytes > long.MaxValue / 2 ? long.MaxValue : maxStoreSizeBytes * 2;

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning,
        Message = "StorageFolder is not set: the store lives in {Folder}, inside the container's writable layer, and is lost when the container is recreated. Set StorageFolder to a mounted folder.")]
    private static partial void LogDefaultFolder(ILogger logger, string folder);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Store ready: backend {Backend} at {Location}, {Partitions} partitions.")]
    private static partial void LogReady(ILogger logger, string backend, string location, int partitions);
}
