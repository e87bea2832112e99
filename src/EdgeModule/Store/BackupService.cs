using EdgeModule.Backup;
using EdgeModule.Messaging;
using EdgeModule.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Store;

/// <summary>
/// The shutdown backup of the in-memory mode, and its planning.
/// <para>Start: log whether a full backup of the store would fit the window ShutdownWaitPeriod leaves it (after a
/// short write-speed probe when nothing better is known), then check again every <see cref="PlanningInterval"/> and
/// log when the answer changes.</para>
/// <para>Stop (registered first, so it stops after the inputs closed and the pump committed its checkpoints; nothing
/// changes the store any more): a last cleanup pass (delivered messages need no backup), then a full backup with the
/// time that remains before <see cref="ShutdownDeadline.BackupDeadline"/>, logging bytes, messages, partitions,
/// elapsed and the deadline. A failure is logged as an error and makes the exit code 3; the previous generation
/// stays.</para>
/// </summary>
public sealed class BackupService(
    ModuleOptions options,
    IKeyValueStore store,
    MessageStore messages,
    BackupManager backup,
    ShutdownDeadline shutdown,
    ModuleExitCode exitCode,
    TimeProvider time,
    ILogger<BackupService> logger) : BackgroundService
{
    /// <summary>How often the backup plan is checked against the current store size.</summary>
    public static readonly TimeSpan PlanningInterval = TimeSpan.FromMinutes(1);

    private bool? _lastFits;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (options.Backup.Enabled)
        {
            BackUp(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Backup.Enabled)
        {
            return;
        }

        Plan(initial: true);
        using var timer = new PeriodicTimer(PlanningInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Plan(initial: false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void BackUp(CancellationToken cancellationToken)
    {
        var deadline = shutdown.BackupDeadline;
        messages.Cleanup();
        var stats = messages.GetStats();
        try
        {
            var result = backup.Backup(store, deadline, cancellationToken);
            Log.BackedUp(logger, result.Generation, result.Path, result.FileBytes, stats.MessageCount, stats.DescribeEndpoints(), result.Records,
                result.Partitions, (long)result.Elapsed.TotalMilliseconds, deadline, (long)(deadline - time.GetUtcNow()).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is BackupException or OperationCanceledException or IOException or UnauthorizedAccessException or StorageException)
        {
            Log.BackupFailed(logger, ex.Message, backup.Folder, stats.MessageCount, deadline, ex);
            exitCode.Fail(ModuleExitCode.BackupFailed);
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
            var stats = messages.GetStats();

            // The file holds every record with its key and framing: the message bytes plus a tenth is a fair guess.
            var bytes = stats.MessageBytes + (stats.MessageBytes / 10) + 4096;
            var window = shutdown.PlannedBackupWindow;
            var estimate = backup.Estimate(bytes, window);
            if (estimate.BytesPerSecond is null && initial)
            {
                backup.MeasureWriteSpeed(8L << 20);
                estimate = backup.Estimate(bytes, window);
            }

            if (estimate.BytesPerSecond is not { } speed || (!initial && _lastFits == estimate.Fits))
            {
                return;
            }

            _lastFits = estimate.Fits;
            var estimatedMs = (long)(estimate.EstimatedDuration ?? TimeSpan.Zero).TotalMilliseconds;
            if (estimate.Fits)
            {
                Log.BackupFits(logger, bytes, estimatedMs, speed / 1e6, estimate.Source, (long)window.TotalMilliseconds);
            }
            else
            {
                Log.BackupWouldNotFit(logger, bytes, estimatedMs, speed / 1e6, estimate.Source, (long)window.TotalMilliseconds);
            }
        }
        catch (Exception ex) when (ex is BackupException or IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Log.PlanningFailed(logger, ex);
        }
    }
}
