namespace EdgeModule.Backup.Journal;

/// <summary>What <see cref="BackupJournal.FlushFinal"/> did, for the host's shutdown log line.</summary>
/// <param name="DeltaBytes">Bytes of the last delta (0: nothing had changed).</param>
/// <param name="Generation">The full generation written because a compaction was due and fitted, if one was.</param>
/// <param name="Estimate">The estimate a due compaction was planned with (null when none was due).</param>
/// <param name="Statistics">The journal's figures after the flush.</param>
public sealed record JournalFinalFlush(long DeltaBytes, BackupResult? Generation, BackupEstimate? Estimate, BackupJournalStatistics Statistics);
