using EdgeModule.Backup;
using EdgeModule.Backup.Journal;
using EdgeModule.Messaging;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
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
    ModuleJournal journal,
    Operations.DroppedFileRestore droppedFile,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<StartupRestore>();

    /// <summary>What the restore at start did (null before it ran, or when nothing is backed up).</summary>
    public RestoreResult? Result { get; private set; }

    public MessageStore OpenMessageStore(IKeyValueStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        // A file the operator dropped in BackupFolder/restore/ comes first (only into an empty store).
        var dropped = droppedFile.TryRestore(store, cancellationToken);
        var restore = dropped ?? Restore(store, cancellationToken);
        Result = restore;
        if (options.Backup.JournalEnabled)
        {
            StartJournal((InMemoryStore)store, restore, cancellationToken);
        }

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

                // In memory, a delivered message goes at once: it takes no memory and never reaches the journal's disk.
                RemoveOnCheckpoint = !options.Storage.UsePersistentStorage,
            }, time, loggerFactory.CreateLogger<MessageStore>());
        }
        catch (MessageCorruptException ex)
        {
            var source = restore is { Outcome: RestoreOutcome.Restored, Path: { } path }
                ? $"the backup '{path}' restored into it (left in place, not marked restored)"
                : options.Storage.UsePersistentStorage ? $"the RocksDB store at '{options.Storage.RocksDbPath}'" : "the store";
            throw new ModuleStartException($"Cannot open the message store from {source}: {ex.Message}", ex);
        }

        if (restore is { Outcome: RestoreOutcome.Restored } && !options.Backup.JournalEnabled && dropped is null)
        {
            // With the journal the generation is not a frozen copy: its deltas record every later change (deliveries
            // included), so a later restore of it is no re-delivery to warn about.
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

    /// <summary>
    /// Starts the journal on the store as the restore left it, before anything else writes to it: it appends to the
    /// restored generation (a torn tail copied aside first) or, with none to append to, writes a full one first.
    /// </summary>
    private void StartJournal(InMemoryStore store, RestoreResult? restore, CancellationToken cancellationToken)
    {
        var journalOptions = new BackupJournalOptions
        {
            CheckpointInterval = options.Backup.CheckpointInterval,
            Failed = ex => Log.JournalFlushFailed(_logger, ex.Message, ex),
            GenerationWritten = r => Log.JournalGenerationWritten(_logger, r.Generation, r.Path, r.FileBytes, (long)r.Elapsed.TotalMilliseconds),
        };
        var started = BackupJournal.Start(backup, store, restore?.AppendPoint, journalOptions, time, cancellationToken);
        journal.Journal = started;
        if (restore is { DroppedTailBytes: > 0, CommitsAfterDamage: > 0 } damaged)
        {
            Log.JournalDamagedDeltas(_logger, damaged.Path ?? "?", damaged.DroppedTailBytes, damaged.CommitsAfterDamage, started.TornTailCopy ?? "(nowhere)");
        }
        else if (restore is { DroppedTailBytes: > 0 } torn)
        {
            Log.JournalTornTail(_logger, torn.Path ?? "?", torn.DroppedTailBytes, started.TornTailCopy ?? "(nowhere)");
        }

        Log.JournalStarted(_logger, started.CurrentPath ?? "?", (long)options.Backup.CheckpointInterval.TotalMilliseconds,
            options.Backup.AcknowledgeAfterCheckpoint ? "on disk" : "stored in memory");
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
