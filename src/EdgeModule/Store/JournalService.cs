using EdgeModule.Backup.Journal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Store;

/// <summary>
/// Runs the journal's loop while the module runs (a flush every CheckpointIntervalMs, at once while durable
/// acknowledgements wait; compactions when due) and logs its figures every StatsIntervalSecs when they moved. Stops
/// after the inputs, the pump and the cleanup stopped; the last flush is <see cref="BackupService"/>'s.
/// </summary>
public sealed class JournalService(ModuleJournal journal, StatsSchedule stats, ILogger<JournalService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (journal.Journal is not { } running)
        {
            return;
        }

        await Task.WhenAll(running.RunAsync(stoppingToken), ReportAsync(running, stoppingToken)).ConfigureAwait(false);
    }

    private async Task ReportAsync(BackupJournal running, CancellationToken cancellationToken)
    {
        using var timer = stats.CreateTimer();
        long flushes = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var s = running.GetStatistics();
                if (s.Flushes != flushes || s.UnprotectedBytes > 0)
                {
                    Log.JournalFlow(logger, s.Flushes, s.Flushes - flushes, s.JournalBytesWritten, s.FullGenerationBytesWritten, s.UnprotectedBytes,
                        (long)s.UnprotectedAge.TotalMilliseconds, s.LastFlushDuration.TotalMilliseconds, s.Generation, s.Deltas);
                    flushes = s.Flushes;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
