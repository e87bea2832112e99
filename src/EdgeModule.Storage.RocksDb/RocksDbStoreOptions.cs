namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// Options of <see cref="RocksDbStore"/>: the shared limits of <see cref="StorageOptions"/> plus RocksDB tuning with
/// defaults chosen for edge devices (small disks, few file handles, no one reading RocksDB's LOG).
/// </summary>
public sealed class RocksDbStoreOptions : StorageOptions
{
    /// <summary>Default <see cref="MaxTotalWalSizeBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxTotalWalSizeBytes = 64L * 1024 * 1024;

    /// <summary>Default <see cref="WriteBufferSizeBytes"/>: 16 MiB.</summary>
    public const long DefaultWriteBufferSizeBytes = 16L * 1024 * 1024;

    /// <summary>Default <see cref="MaxOpenFiles"/>: 256.</summary>
    public const int DefaultMaxOpenFiles = 256;

    /// <summary>Smallest <see cref="WriteBufferSizeBytes"/>: below this RocksDB would flush a file per few writes.</summary>
    public const long MinWriteBufferSizeBytes = 64 * 1024;

    /// <summary>Largest <see cref="WriteBufferSizeBytes"/>: 1 GiB, so the size fits a 32-bit size_t on arm32.</summary>
    public const long MaxWriteBufferSizeBytes = 1024L * 1024 * 1024;

    /// <summary>Smallest <see cref="MaxTotalWalSizeBytes"/>: 1 MiB.</summary>
    public const long MinMaxTotalWalSizeBytes = 1024 * 1024;

    /// <summary>Smallest <see cref="MaxOpenFiles"/> other than -1: RocksDB raises anything lower to 20 anyway.</summary>
    public const int MinMaxOpenFiles = 20;

    /// <summary>
    /// The database folder (required). Its parent is created if missing; RocksDB creates the folder itself and keeps
    /// a LOCK file in it, so one process at a time can open it.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>
    /// Upper bound of the write-ahead log files together (RocksDB max_total_wal_size), default 64 MiB. When the WAL
    /// outgrows it, RocksDB flushes the column families that pin the oldest log file so it can be deleted. RocksDB's
    /// own default (4 × the memtables of all column families) let IoT Edge's WAL files fill small disks.
    /// </summary>
    public long MaxTotalWalSizeBytes { get; init; } = DefaultMaxTotalWalSizeBytes;

    /// <summary>
    /// Size of one memtable (RocksDB write_buffer_size), per partition, default 16 MiB (RocksDB: 64 MiB). Each
    /// partition may hold up to two in memory, so memory use is about 2 × this × active partitions.
    /// </summary>
    public long WriteBufferSizeBytes { get; init; } = DefaultWriteBufferSizeBytes;

    /// <summary>
    /// Upper bound of the table files RocksDB keeps open (RocksDB max_open_files), default 256 (RocksDB: -1, no
    /// limit, which ran IoT Edge into "too many open files"). -1 keeps every file open.
    /// </summary>
    public int MaxOpenFiles { get; init; } = DefaultMaxOpenFiles;

    /// <summary>Compression of table files, default <see cref="RocksDbCompression.Lz4"/>.</summary>
    public RocksDbCompression Compression { get; init; } = RocksDbCompression.Lz4;

    /// <summary>
    /// Whether RocksDB writes its diagnostic LOG file (default false). RocksDB 7.8's C API cannot turn the LOG off,
    /// so false means: level HEADER (no per-operation, flush or compaction lines), no periodic statistics dump and
    /// no LOG.old.* files. What remains is the option dump RocksDB writes as a header when the database opens
    /// (about 18 KB) and when a partition is created (about 9 KB); the LOG is started anew at each open. True: level
    /// INFO, statistics every 10 minutes, the LOG rolled at 4 MiB and 3 files kept.
    /// </summary>
    public bool EnableInfoLog { get; init; }

    /// <summary>
    /// Writes skip the write-ahead log (default false). Much faster, but what is not yet flushed to a table file is
    /// lost if the process dies; a clean dispose flushes it. For benchmarks and disposable data only.
    /// </summary>
    public bool DisableWal { get; init; }

    /// <summary>
    /// Every write waits for fsync of the WAL (default false). Without it a write survives a process crash but the
    /// last writes before a power loss may be lost. Cannot be combined with <see cref="DisableWal"/>.
    /// </summary>
    public bool SyncWrites { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (or <see cref="ArgumentException"/> for Path) naming the first bad option.</summary>
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("RocksDbStoreOptions.Path is required: the database folder.", nameof(Path));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTotalWalSizeBytes, MinMaxTotalWalSizeBytes, nameof(MaxTotalWalSizeBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBufferSizeBytes, MinWriteBufferSizeBytes, nameof(WriteBufferSizeBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(WriteBufferSizeBytes, MaxWriteBufferSizeBytes, nameof(WriteBufferSizeBytes));
        if (MaxOpenFiles != -1)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(MaxOpenFiles, MinMaxOpenFiles, nameof(MaxOpenFiles));
        }

        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "Not a RocksDbCompression value.");
        }

        if (SyncWrites && DisableWal)
        {
            throw new ArgumentOutOfRangeException(nameof(SyncWrites), SyncWrites, "SyncWrites needs the WAL; it cannot be combined with DisableWal.");
        }
    }
}
