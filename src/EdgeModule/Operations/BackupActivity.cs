using EdgeModule.Backup;

namespace EdgeModule.Operations;

/// <summary>
/// What the backups run while the module works (snapshots on demand) did: the last result for the status and the
/// twin, and each completion for the metrics.
/// </summary>
public sealed class BackupActivity
{
    private readonly Lock _gate = new();
    private long _bytesWritten;

    /// <summary>Raised after each successful backup, on the thread that ran it.</summary>
    public event Action<BackupResult>? Succeeded;

    /// <summary>The last backup's outcome, or null before the first.</summary>
    public BackupOutcome? Last { get; private set; }

    /// <summary>When the last successful backup completed, or null before the first.</summary>
    public DateTimeOffset? LastSuccessAt { get; private set; }

    /// <summary>File bytes written by the backups recorded here.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public void RecordSuccess(BackupResult result, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            Last = new BackupOutcome(true, at, result.Generation, null);
            LastSuccessAt = at;
        }

        Interlocked.Add(ref _bytesWritten, result.FileBytes);
        Succeeded?.Invoke(result);
    }

    public void RecordFailure(string reason, DateTimeOffset at)
    {
        lock (_gate)
        {
            Last = new BackupOutcome(false, at, null, reason);
        }
    }
}
