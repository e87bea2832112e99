namespace EdgeModule.Backup.Journal;

/// <summary>How often the journal flushes, and when it rewrites its generation as a new full one (compaction).</summary>
public sealed class BackupJournalOptions
{
    /// <summary>The loss window: <see cref="BackupJournal.RunAsync"/> flushes the net changes this often (the host's <c>CheckpointIntervalMs</c>).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Compaction is due when the dead bytes of the generation (records overwritten or removed since they were
    /// written: the file's record bytes minus the store's live bytes) exceed the live bytes and this floor, so a small
    /// store is not rewritten for a few kilobytes. Each message reaches the disk about once; a backlog that only grows
    /// has no dead bytes and never triggers it.
    /// </summary>
    public long MinDeadBytesToCompact { get; init; } = 64L << 20;

    /// <summary>Compaction is also due when the generation holds this many deltas (a bound on the chain a restore replays).</summary>
    public int MaxDeltas { get; init; } = 100_000;

    /// <summary>Called with every failure of a flush or a compaction in <see cref="BackupJournal.RunAsync"/> (the host logs it); the loop goes on.</summary>
    public Action<Exception>? Failed { get; init; }

    /// <summary>Called after each new full generation the journal wrote (the host logs it).</summary>
    public Action<BackupResult>? GenerationWritten { get; init; }

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CheckpointInterval, TimeSpan.Zero, nameof(CheckpointInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(MinDeadBytesToCompact, nameof(MinDeadBytesToCompact));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeltas, 1, nameof(MaxDeltas));
    }
}
