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

    /// <summary>Default <see cref="MaxWriteBufferNumber"/>: 3.</summary>
    public const int DefaultMaxWriteBufferNumber = 3;

    /// <summary>Smallest <see cref="MaxWriteBufferNumber"/>: one memtable taking writes and one being flushed.</summary>
    public const int MinMaxWriteBufferNumber = 2;

    /// <summary>Largest <see cref="MaxWriteBufferNumber"/>.</summary>
    public const int MaxMaxWriteBufferNumber = 16;

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
    /// partition holds up to <see cref="MaxWriteBufferNumber"/> of them in memory while they wait for their flush.
    /// </summary>
    public long WriteBufferSizeBytes { get; init; } = DefaultWriteBufferSizeBytes;

    /// <summary>
    /// Memtables a partition may hold, the one taking writes and full ones waiting to be flushed (RocksDB
    /// max_write_buffer_number), 2 to 16, default 3 (RocksDB: 2). When all are full RocksDB stops the partition's
    /// writers until a flush finishes. With RocksDB's 2, a burst of writes that fills a memtable while the previous
    /// one is still being written out (the disk being busy, a backup running) stopped writers at once: in the backup
    /// benchmark a writer putting about 100 MB/s beside a 1 GB backup was stopped for about 5 s in all with 2 and for
    /// 0.1-0.3 s with 3. Above 3, RocksDB also slows writers down (to its delayed_write_rate, 16 MB/s) as soon as this
    /// − 1 memtables wait for a flush, so a larger number is not always smoother. Peak memory is up to this ×
    /// <see cref="WriteBufferSizeBytes"/> × partitions being written.
    /// </summary>
    public int MaxWriteBufferNumber { get; init; } = DefaultMaxWriteBufferNumber;

    /// <summary>
    /// Upper bound of the table files RocksDB keeps open (RocksDB max_open_files), default 256 (RocksDB: -1, no
    /// limit, which ran IoT Edge into "too many open files"). -1 keeps every file open.
    /// </summary>
    public int MaxOpenFiles { get; init; } = DefaultMaxOpenFiles;

    /// <summary>
    /// Whether RocksDB reserves disk space for its log and table files ahead of writing them (RocksDB allow_fallocate),
    /// default false (RocksDB: true). The reservation runs in the writing thread: on ext4 it may have to read block
    /// bitmaps from disk, so a put waited behind whatever else the disk was doing (in the backup benchmark a writer
    /// beside a 1 GB backup was blocked 48-57 ms in all with it, 17-20 ms without, and 28-29 against 0-8 ms with no
    /// backup at all). Without it the file system allocates the blocks when it writes them back; files may end up
    /// in more pieces, which flash storage does not mind, and no space is held back for files not yet written.
    /// </summary>
    public bool AllowFallocate { get; init; }

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
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWriteBufferNumber, MinMaxWriteBufferNumber, nameof(MaxWriteBufferNumber));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxWriteBufferNumber, MaxMaxWriteBufferNumber, nameof(MaxWriteBufferNumber));
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
