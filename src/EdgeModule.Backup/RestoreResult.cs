namespace EdgeModule.Backup;

/// <summary>What a restore did; the host logs it (and warns on <see cref="TimesRestoredBefore"/> &gt; 0).</summary>
public sealed record RestoreResult
{
    public required RestoreOutcome Outcome { get; init; }

    /// <summary>The generation restored, when one was.</summary>
    public long? Generation { get; init; }

    public string? Path { get; init; }

    public long Partitions { get; init; }

    public long Records { get; init; }

    public long RecordBytes { get; init; }

    public long FileBytes { get; init; }

    /// <summary>Verification and apply of the generation restored (not of those quarantined before it).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>
    /// How often this generation had already been restored. Above 0 the previous run ended without a newer backup, so
    /// messages delivered since that restore may be delivered again: warn.
    /// </summary>
    public int TimesRestoredBefore { get; init; }

    /// <summary>Ready-made warning lines for the host's log (a repeated restore: possible re-delivery).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Newer generations that were corrupt and moved to quarantine.</summary>
    public IReadOnlyList<QuarantinedBackup> Quarantined { get; init; } = [];

    /// <summary>Every generation skipped and why (quarantined, unreadable). With <see cref="RestoreOutcome.StartingEmpty"/>, the reasons.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>
    /// Where a journal continues the restored generation (<see cref="Journal.BackupJournal.Start"/>); null when nothing
    /// was restored. Its <see cref="Journal.BackupAppendPoint.LastSequence"/> is the store sequence the restore reached.
    /// </summary>
    public Journal.BackupAppendPoint? AppendPoint { get; init; }

    /// <summary>Delta segments applied after the restored generation's base.</summary>
    public int DeltasApplied { get; init; }

    /// <summary>
    /// Bytes after the restored generation's sound prefix (a torn last delta, the normal end after a crash): not
    /// restored, and set aside (not deleted) when a journal continues the file.
    /// </summary>
    public long DroppedTailBytes { get; init; }

    /// <summary>Later deltas found intact after the dropped bytes: the tail was damage, not a tear (see <see cref="BackupVerification.CommitsAfterDamage"/>).</summary>
    public int CommitsAfterDamage { get; init; }

    /// <summary>Temp files of a writer that was killed, deleted before restoring.</summary>
    public IReadOnlyList<string> LeftoversDeleted { get; init; } = [];
}
