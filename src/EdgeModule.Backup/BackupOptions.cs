using EdgeModule.Backup.Internal;

namespace EdgeModule.Backup;

/// <summary>Where backups go and how many are kept.</summary>
public sealed class BackupOptions
{
    /// <summary>The fewest generations kept: a crash while the newest is read must still leave an older one.</summary>
    public const int MinKeepGenerations = 2;

    /// <summary>The folder that holds the generations (and its quarantine/ subfolder). It must exist and be writable.</summary>
    public required string Folder { get; init; }

    /// <summary>How many complete generations to keep; at least <see cref="MinKeepGenerations"/>.</summary>
    public int KeepGenerations { get; init; } = MinKeepGenerations;

    /// <summary>
    /// Size of each of the writer's four buffers (rounded up to 4 KiB for direct I/O): large sequential writes keep the
    /// backup near disk speed.
    /// </summary>
    public int WriteBufferBytes { get; init; } = 4 << 20;

    /// <summary>
    /// Write the backup file with direct I/O (Linux <c>O_DIRECT</c>), past the page cache: the speed no longer depends
    /// on how much free memory the kernel has, and a gigabyte backup does not fill the cache of a small device. Where
    /// the file system refuses it (ramfs; tmpfs before Linux 6.6) the backup is written through the cache as before. Default on.
    /// </summary>
    public bool DirectIo { get; init; } = true;

    /// <summary>Size of each of the reader's three read-ahead chunks (a restore reads ahead while it applies).</summary>
    public int ReadBufferBytes { get; init; } = 4 << 20;

    /// <summary>
    /// A restore writes to the store in batches of about this many key and value bytes; three staged and three built
    /// batches are in flight, so a restore holds about six times this (plus the read-ahead chunks) at once.
    /// </summary>
    public int RestoreBatchBytes { get; init; } = 4 << 20;

    /// <summary>Margin on estimates: a backup is said to fit in a time window only if it fits this many times over.</summary>
    public double EstimateSafetyFactor { get; init; } = 1.25;

    /// <summary>
    /// A restore into the in-memory store of a file at least this large runs in a no-GC region
    /// (<see cref="Restoring.GcQuietPeriod"/>); below it the collector's work is too small to matter. Tests lower it.
    /// </summary>
    internal long QuietGcRestoreBytes { get; init; } = 64L << 20;

    /// <summary>Test only: called at every <see cref="BackupFaultPoint"/>; it throws to simulate a crash there.</summary>
    internal Action<BackupFaultPoint>? FaultHook { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Folder, nameof(Folder));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepGenerations, MinKeepGenerations, nameof(KeepGenerations));
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBufferBytes, 64 << 10, nameof(WriteBufferBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadBufferBytes, 64 << 10, nameof(ReadBufferBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(RestoreBatchBytes, 1, nameof(RestoreBatchBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(EstimateSafetyFactor, 1.0, nameof(EstimateSafetyFactor));
    }
}
