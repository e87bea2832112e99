namespace EdgeModule.Backup;

/// <summary>Whether a full backup of <see cref="Bytes"/> is expected to fit in <see cref="Available"/>.</summary>
/// <param name="Bytes">The backup size the estimate is for.</param>
/// <param name="Available">The time window.</param>
/// <param name="BytesPerSecond">The write speed used, or null when none is known.</param>
/// <param name="Source">Where the speed came from.</param>
/// <param name="EstimatedDuration">Bytes / speed × the safety factor, or null when the speed is unknown.</param>
/// <param name="Fits">True only when the speed is known and the estimated duration is within the window.</param>
public sealed record BackupEstimate(
    long Bytes,
    TimeSpan Available,
    double? BytesPerSecond,
    SpeedSource Source,
    TimeSpan? EstimatedDuration,
    bool Fits);
