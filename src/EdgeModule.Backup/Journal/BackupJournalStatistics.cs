namespace EdgeModule.Backup.Journal;

/// <summary>The journal's figures for the flow line and the metrics: the loss window now, and what it wrote so far.</summary>
public sealed record BackupJournalStatistics
{
    /// <summary>Key and value bytes changed in the store and not yet durable (pending plus a flush in progress).</summary>
    public long UnprotectedBytes { get; init; }

    /// <summary>When the oldest change not yet durable was made, or null when everything is.</summary>
    public DateTimeOffset? OldestUnprotectedChange { get; init; }

    /// <summary>How long the oldest change not yet durable has waited (zero when everything is durable).</summary>
    public TimeSpan UnprotectedAge { get; init; }

    /// <summary>The store sequence everything up to which is on disk.</summary>
    public long DurableSequence { get; init; }

    /// <summary>Bytes appended as deltas.</summary>
    public long JournalBytesWritten { get; init; }

    /// <summary>Bytes written as full generations (at start, compactions, after a failure).</summary>
    public long FullGenerationBytesWritten { get; init; }

    /// <summary>Flushes that wrote a delta (a flush with nothing to write writes nothing and is not counted).</summary>
    public long Flushes { get; init; }

    public TimeSpan LastFlushDuration { get; init; }

    public TimeSpan TotalFlushDuration { get; init; }

    /// <summary>Full generations written (the first one included).</summary>
    public long FullGenerations { get; init; }

    /// <summary>The generation the journal appends to.</summary>
    public long Generation { get; init; }

    /// <summary>Deltas in that generation.</summary>
    public int Deltas { get; init; }

    /// <summary>Its file's bytes.</summary>
    public long GenerationBytes { get; init; }

    /// <summary>The store's live key and value bytes, and the generation's record bytes beyond them (overwritten or removed).</summary>
    public long LiveBytes { get; init; }

    public long DeadBytes { get; init; }

    /// <summary>A compaction is due (<see cref="BackupJournalOptions"/>).</summary>
    public bool CompactionDue { get; init; }

    /// <summary>The last failure, until a flush succeeds again.</summary>
    public string? LastError { get; init; }
}
