using EdgeModule.Backup;
using EdgeModule.Messaging;
using EdgeModule.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Store;

/// <summary>
/// Opens the message store over the key-value store, restoring first: this runs when the host resolves its services,
/// before any hosted service starts, so nothing is forwarded or accepted before the restore is complete.
/// <list type="number">
/// <item>Restore: in memory with EnableNonPersistentStorageBackup, the newest sound generation (corrupt ones are
/// quarantined and the older one used); with RocksDB, once, when the store is new and the memory mode left a backup
/// (<see cref="StoreSwitch"/>). A stop request cancels it; the restore then removes what it applied and no backup is
/// marked, moved or changed.</item>
/// <item>Open the <see cref="MessageStore"/> on it. A restored backup whose message-store layout this build does not
/// read stops the start (exit 1) and is left as it is: a newer build can still use it.</item>
/// <item>Only now is the generation marked restored; then one cleanup pass drops what expired while the module was
/// down, and the outcome is logged.</item>
/// </list>
/// </summary>
public sealed class StartupRestore(
    ModuleOptions options,
    BackupManager backup,
    StoreSwitch storeSwitch,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<StartupRestore>();

    public MessageStore OpenMessageStore(IKeyValueStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var restore = Restore(store, cancellationToken);
        MessageStore messages;
        try
        {
            messages = new MessageStore(store, new MessageStoreOptions
            {
                TimeToLive = options.Messaging.TimeToLive,
                CleanupInterval = options.Messaging.CleanupInterval,
                MaxStoreBytes = options.Storage.MaxStoreSizeBytes == 0 ? long.MaxValue : options.Storage.MaxStoreSizeBytes,
                // The transport already bounds body + properties; the stored record adds a little framing.
                MaxMessageBytes = options.Transport.Inputs.MaxMessageSize + (64 * 1024),
                Routes = options.Messaging.Routes,
            }, time, loggerFactory.CreateLogger<MessageStore>());
        }
        catch (MessageCorruptException ex)
        {
            var source = restore is { Outcome: RestoreOutcome.Restored, Path: { } path }
                ? $"the backup '{path}' restored into it (left in place, not marked restored)"
                : options.Storage.UsePersistentStorage ? $"the RocksDB store at '{options.Storage.RocksDbPath}'" : "the store";
            throw new ModuleStartException($"Cannot open the message store from {source}: {ex.Message}", ex);
        }

        if (restore is { Outcome: RestoreOutcome.Restored })
        {
            backup.MarkRestored(restore);
        }

        // Expired messages are dropped right after the restore, before the pump could forward them.
        var cleanup = messages.Cleanup();
        var stats = messages.GetStats();
        if (restore is { Outcome: RestoreOutcome.Restored } r)
        {
            Log.Restored(_logger, r.Generation ?? 0, r.Path ?? "?", stats.MessageCount, stats.DescribeEndpoints(), r.FileBytes, r.Records, r.Partitions,
                (long)r.Elapsed.TotalMilliseconds, cleanup.ExpiredEntries);
        }

        Log.MessageStoreReady(_logger, stats.MessageCount, stats.DescribeEndpoints(), stats.MessageBytes, stats.MaxStoreBytes,
            options.Messaging.TimeToLive, options.Messaging.CleanupInterval);
        return messages;
    }

    private RestoreResult? Restore(IKeyValueStore store, CancellationToken cancellationToken)
    {
        if (options.Backup.IgnoredBecausePersistent)
        {
            Log.BackupIgnored(_logger, options.Storage.StorageFolder);
        }

        RestoreResult result;
        if (options.Backup.Enabled)
        {
            Log.Restoring(_logger, backup.Folder);
            result = backup.Restore(store, cancellationToken);
        }
        else if (storeSwitch.ShouldFill(backup))
        {
            result = storeSwitch.Fill(backup, store, cancellationToken);
        }
        else
        {
            return null;
        }

        foreach (var q in result.Quarantined)
        {
            Log.Quarantined(_logger, q.OriginalPath, q.Reason, q.QuarantinePath);
        }

        foreach (var warning in result.Warnings)
        {
            Log.RestoreWarning(_logger, warning);
        }

        if (result.Outcome == RestoreOutcome.StartingEmpty)
        {
            Log.StartingEmpty(_logger, backup.Folder, string.Join("; ", result.Problems));
        }

        return result;
    }
}
