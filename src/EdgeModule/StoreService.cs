using EdgeModule.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule;

/// <summary>
/// Opens the store first at start and closes it last at stop (hosted services stop in reverse order): the message
/// store (restore, backup), the pump and the transport register after it, so they start after and stop before it.
/// </summary>
public sealed partial class StoreService(StorageSettings settings, ILogger<StoreService> logger) : IHostedService, IDisposable
{
    private IKeyValueStore? _store;

    public IKeyValueStore Store => _store ?? throw new InvalidOperationException("The store is not open yet.");

    /// <summary>True when this start created the RocksDB store (it did not exist before); always true in memory.</summary>
    public bool IsNewStore { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.UsePersistentStorage && settings.StorageFolderIsDefault)
        {
            LogDefaultFolder(logger, settings.StorageFolder);
        }

        if (settings.UsePersistentStorage && File.Exists(settings.MigrationMarkerPath) && Directory.Exists(settings.RocksDbPath))
        {
            // Nothing but the interrupted fill wrote to it (restore runs before any input is accepted): start it over.
            LogInterruptedMigration(logger, settings.RocksDbPath, settings.MigrationMarkerPath);
            Directory.Delete(settings.RocksDbPath, recursive: true);
        }

        IsNewStore = !settings.UsePersistentStorage || settings.PersistentStoreIsNew;
        _store = settings.OpenStore();
        var partitions = _store.ListPartitions();
        LogReady(logger, _store.BackendName, settings.UsePersistentStorage ? settings.RocksDbPath : "(memory)", partitions.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        LogClosed(logger);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _store?.Dispose();
        _store = null;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning,
        Message = "StorageFolder is not set: the store lives in {Folder}, inside the container's writable layer, and is lost when the container is recreated. Set StorageFolder to a mounted folder.")]
    private static partial void LogDefaultFolder(ILogger logger, string folder);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Store ready: backend {Backend} at {Location}, {Partitions} partitions.")]
    private static partial void LogReady(ILogger logger, string backend, string location, int partitions);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "The switch to RocksDB was interrupted while the store at {Folder} was filled from the backup ({Marker} is still there): the partial store is removed and filled again")]
    private static partial void LogInterruptedMigration(ILogger logger, string folder, string marker);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Store closed.")]
    private static partial void LogClosed(ILogger logger);
}
