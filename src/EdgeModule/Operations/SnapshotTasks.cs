using System.Collections.Concurrent;
using EdgeModule.Backup;
using EdgeModule.Store;
using EdgeModule.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// The snapshot tasks <c>CreateSnapshot</c> starts: one at a time (a second request gets the running one), run in
/// the background while the module keeps working, each kept for <c>GetTaskStatus</c>. With the journal on, the
/// snapshot is a full generation written through the journal, which then continues on it, so the chain of
/// generation and deltas stays one; without it, a plain online backup of the store (a consistent snapshot of it).
/// Stopping cancels a running snapshot and waits for it (before the shutdown backup takes the folder).
/// </summary>
public sealed class SnapshotTasks(
    IKeyValueStore store, BackupManager backup, ModuleJournal journal, BackupActivity activity, TimeProvider time, ILogger<SnapshotTasks> logger)
{
    /// <summary>Tasks remembered for GetTaskStatus; the oldest finished ones are forgotten past this.</summary>
    public const int MaxTasksKept = 100;

    private readonly ConcurrentDictionary<string, OperationTask> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<OperationTask, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private OperationTask? _snapshot;

    /// <summary>Starts a snapshot, or returns the one running (<c>started</c> false).</summary>
    public (OperationTask Task, bool Started) StartSnapshot()
    {
        lock (_gate)
        {
            if (_snapshot is { Status: OperationStatus.Running } running)
            {
                return (running, false);
            }

            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            var task = Add("CreateSnapshot");
            _snapshot = task;
            Run(task, () => Snapshot(task));
            return (task, true);
        }
    }

    /// <summary>Registers a task run by someone else (an upload) under the same status and stop handling.</summary>
    public OperationTask Start(string kind, Func<OperationTask, CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var task = Add(kind);
        Run(task, () => work(task, _stopping.Token));
        return task;
    }

    public OperationTask? Find(string correlationId) => _tasks.GetValueOrDefault(correlationId);

    /// <summary>Cancels what runs and waits for it (bounded by <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private OperationTask Add(string kind)
    {
        var task = new OperationTask(Guid.NewGuid().ToString("D"), kind, time.GetUtcNow());
        _tasks[task.CorrelationId] = task;
        if (_tasks.Count > MaxTasksKept)
        {
            foreach (var old in _tasks.Values.Where(t => t.Status != OperationStatus.Running).OrderBy(t => t.Started).Take(_tasks.Count - MaxTasksKept))
            {
                _tasks.TryRemove(old.CorrelationId, out _);
            }
        }

        return task;
    }

    private void Run(OperationTask task, Func<Task> work)
    {
        // Task.Run: the method's answer goes out at once; the work runs beside the module's own.
        var running = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Whatever fails the task is reported through GetTaskStatus and the log, never a crash.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                task.Fail(ex.Message, time.GetUtcNow() - task.Started);
                OperationsLog.TaskFailed(logger, task.Kind, task.CorrelationId, ex.Message, ex);
            }
            finally
            {
                _running.TryRemove(task, out _);
            }
        });
        _running[task] = running;
    }

    private Task Snapshot(OperationTask task)
    {
        var started = time.GetTimestamp();
        OperationsLog.SnapshotStarted(logger, task.CorrelationId, journal.Journal is null ? "an online backup of the store" : "a full generation through the journal");
        try
        {
            var result = journal.Journal is { } running
                ? running.WriteFullGeneration(deadline: null, _stopping.Token)
                : backup.Backup(store, deadline: null, _stopping.Token);
            activity.RecordSuccess(result, time.GetUtcNow());
            task.Complete($"generation {result.Generation} written", result.Generation, result.FileBytes, result.Records, time.GetElapsedTime(started));
            OperationsLog.SnapshotWritten(logger, task.CorrelationId, result.Generation, result.Path, result.FileBytes, result.Records,
                (long)result.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is BackupException or OperationCanceledException or IOException or UnauthorizedAccessException or StorageException)
        {
            activity.RecordFailure(ex.Message, time.GetUtcNow());
            throw;
        }

        return Task.CompletedTask;
    }
}
