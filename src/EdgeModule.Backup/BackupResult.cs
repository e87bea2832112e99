namespace EdgeModule.Backup;

/// <summary>A backup that completed and is durable; the host logs these figures.</summary>
public sealed record BackupResult
{
    public required long Generation { get; init; }

    public required string Path { get; init; }

    /// <summary>The store's sequence number at the snapshot.</summary>
    public long Sequence { get; init; }

    public long Partitions { get; init; }

    public long Records { get; init; }

    /// <summary>Sum of key and value lengths.</summary>
    public long RecordBytes { get; init; }

    /// <summary>The file's length.</summary>
    public long FileBytes { get; init; }

    /// <summary>From the snapshot to the durable rename (old generations are deleted after).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>File bytes per second of this backup: what the next estimate uses.</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>Older generations deleted because a newer one is now durable.</summary>
    public IReadOnlyList<string> DeletedGenerations { get; init; } = [];
}
