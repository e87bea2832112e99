using EdgeModule.Backup;
using EdgeModule.Storage;

namespace EdgeModule;

/// <summary>Restore, backup and planning of <see cref="MessageStoreService"/> (the protocol is on the main file).</summary>
public sealed partial class MessageStoreService
{
    private bool? _lastFits;

    private RestoreResult? RestoreIfConfigured(IKeyValueStore store, CancellationToken cancellationToken)
    {
        var backup = settings.Backup;
        var migrating = false;
        if (backup.IgnoredBecausePersistent)
        {
            Log.BackupIgnored(_logger, settings.Storage.StorageFolder);
        }

        if (backup.Enabled)
        {
            _backup = new BackupManager(new BackupOptions { Folder = backup.Folder }, time);
        }
        else if (settings.Storage.UsePersistentStorage && storeService.IsNewStore && Directory.Exists(backup.Folder))
        {
            // A switch from the in-memory mode: its last backup is the only copy of the queued messages. Restored once:
            // from now on the RocksDB store exists and holds them.
            var manager = new BackupManager(new BackupOptions { Folder = backup.Folder }, time);
            if (manager.ListGenerations().Count == 0)
            {
                return null;
            }

            Log.MigratingFromBackup(_logger, settings.Storage.RocksDbPath, manager.Folder);
            _backup = manager;
            migrating = true;
            WriteDurably(settings.Storage.MigrationMarkerPath);
        }
        else
        {
            return null;
        }

        var result = _backup.Restore(store, cancellationToken);
        if (result.Outcome == RestoreOutcome.Restored)
        {
            // Restore no longer marks the generation itself; the host marks it once it accepted the content.
            _backup.MarkRestored(result);
        }

        if (migrating)
        {
            // The fill is complete (or found nothing valid to restore): the store may be used as it is from now on.
            File.Delete(settings.Storage.MigrationMarkerPath);
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
            Log.StartingEmpty(_logger, _backup.Folder, string.Join("; ", result.Problems));
        }

        return result;
    }

    /// <summary>Creates an empty file and flushes it and its folder to disk, so it survives a power loss.</summary>
    private static void WriteDurably(string path)
    {
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Flush(flushToDisk: true);
        }

        Backup.Internal.DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }

    private void BackUp(CancellationToken cancellationToken)
    {
        // Phase 3 of shutdown: the inputs are closed and the pump has committed; nothing changes the store any more.
        var deadline = shutdown.BackupDeadline;

        // Delivered messages need no backup: a last cleanup pass makes the backup (and the next restore) smaller.
        _store!.Cleanup();
        var stats = _store.GetStats();
        try
        {
            var result = _backup!.Backup(storeService.Store, deadline, cancellationToken);
            Log.BackedUp(_logger, result.Generation, result.Path, result.FileBytes, stats.MessageCount, Describe(stats), result.Records,
                result.Partitions, (long)result.Elapsed.TotalMilliseconds, deadline, (long)(deadline - time.GetUtcNow()).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is BackupException or OperationCanceledException or IOException or UnauthorizedAccessException or StorageException)
        {
            Log.BackupFailed(_logger, ex.Message, _backup!.Folder, stats.MessageCount, deadline, ex);
            exitCode.Fail(ModuleExitCode.BackupFailed);
        }
    }

    private async Task PlanLoopAsync(CancellationToken cancellationToken)
    {
        if (_backup is null || !settings.Backup.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(PlanningInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Plan(initial: false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Would a full backup of the store as it is now fit the window ShutdownWaitPeriod leaves it? The speed is the
    /// last backup's (or a short probe's at the first start). Logged at startup, then only when the answer changes.
    /// </summary>
    private void Plan(bool initial)
    {
        try
        {
            var stats = _store!.GetStats();

            // The file holds every record with its key and framing: the message bytes plus a tenth is a fair guess.
            var bytes = stats.MessageBytes + (stats.MessageBytes / 10) + 4096;
            var window = shutdown.PlannedBackupWindow;
            var estimate = _backup!.Estimate(bytes, window);
            if (estimate.BytesPerSecond is null && initial)
            {
                _backup.MeasureWriteSpeed(8L << 20);
                estimate = _backup.Estimate(bytes, window);
            }

            if (estimate.BytesPerSecond is not { } speed || (!initial && _lastFits == estimate.Fits))
            {
                return;
            }

            _lastFits = estimate.Fits;
            var estimatedMs = (long)(estimate.EstimatedDuration ?? TimeSpan.Zero).TotalMilliseconds;
            if (estimate.Fits)
            {
                Log.BackupFits(_logger, bytes, estimatedMs, speed / 1e6, estimate.Source, (long)window.TotalMilliseconds);
            }
            else
            {
                Log.BackupWouldNotFit(_logger, bytes, estimatedMs, speed / 1e6, estimate.Source, (long)window.TotalMilliseconds);
            }
        }
        catch (Exception ex) when (ex is BackupException or IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Log.PlanningFailed(_logger, ex);
        }
    }
}
