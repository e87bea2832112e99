using EdgeModule.Backup;
using EdgeModule.Backup.Files;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Store;

/// <summary>
/// The one owner of the switch from the in-memory mode to RocksDB, in which the memory mode's last backup is the only
/// copy of the queued messages. The protocol:
/// <list type="number">
/// <item>Before the store opens (<see cref="PrepareBeforeOpen"/>): <c>StorageFolder/rocksdb.migrating</c> found beside
/// a RocksDB folder means an earlier fill was cut short (kill, power loss); nothing else wrote to that store (inputs
/// open only after the restore), so it is removed and the fill starts over.</item>
/// <item>Only a RocksDB store that did not exist before this start (<see cref="IsNewStore"/>) is filled, and only when
/// BackupFolder holds a generation.</item>
/// <item><see cref="Fill"/>: write the marker and flush it (and its folder) to disk, restore the newest sound generation
/// into the new store, remove the marker. From then on the store holds the messages and is never filled again.</item>
/// </list>
/// </summary>
public sealed partial class StoreSwitch(ModuleOptions options, ILogger<StoreSwitch> logger)
{
    /// <summary>True when this start creates the RocksDB store (its CURRENT file is missing); always true in memory.</summary>
    public bool IsNewStore { get; private set; } = true;

    public void PrepareBeforeOpen()
    {
        var storage = options.Storage;
        if (!storage.UsePersistentStorage)
        {
            return;
        }

        // Only a regular file the module wrote counts: a link planted under the name must not get a store deleted.
        if (SafeFile.GetKind(storage.MigrationMarkerPath) == FileKind.Regular && Directory.Exists(storage.RocksDbPath))
        {
            LogInterruptedMigration(logger, storage.RocksDbPath, storage.MigrationMarkerPath);
            Directory.Delete(storage.RocksDbPath, recursive: true);
        }

        IsNewStore = !File.Exists(Path.Combine(storage.RocksDbPath, "CURRENT"));
    }

    /// <summary>Whether this start fills a new RocksDB store from the memory mode's backup.</summary>
    public bool ShouldFill(BackupManager backup)
    {
        ArgumentNullException.ThrowIfNull(backup);
        return options.Storage.UsePersistentStorage && IsNewStore && Directory.Exists(backup.Folder) && backup.ListGenerations().Count > 0;
    }

    public RestoreResult Fill(BackupManager backup, Storage.IKeyValueStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backup);
        LogMigrating(logger, options.Storage.RocksDbPath, backup.Folder);
        WriteMarker(options.Storage.MigrationMarkerPath);
        var result = backup.Restore(store, cancellationToken);

        // The fill is complete (or found nothing valid to restore): the store may be used as it is from now on.
        File.Delete(options.Storage.MigrationMarkerPath);
        return result;
    }

    /// <summary>Creates the marker exclusively (never through a link), then flushes it and its folder to disk.</summary>
    private static void WriteMarker(string path)
    {
        File.Delete(path); // a leftover, or whatever was planted under the name: unlinked, never followed
        SafeFile.WriteNewDurably(path, []);
    }

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "The switch to RocksDB was interrupted while the store at {Folder} was filled from the backup ({Marker} is still there): the partial store is removed and filled again")]
    private static partial void LogInterruptedMigration(ILogger logger, string folder, string marker);

    [LoggerMessage(EventId = 209, Level = LogLevel.Information, Message = "Switching to RocksDB: the new store at {Folder} is filled once from the in-memory mode's backup in {BackupFolder}")]
    private static partial void LogMigrating(ILogger logger, string folder, string backupFolder);
}
