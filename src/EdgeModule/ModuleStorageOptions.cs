using EdgeModule.Storage.RocksDb;

namespace EdgeModule;

/// <summary>The storage part of the module's configuration (names as in IoT Edge).</summary>
public sealed class ModuleStorageOptions
{
    /// <summary>Default <see cref="MaxStoreSizeBytes"/>: 1 GiB of stored messages.</summary>
    public const long DefaultMaxStoreSizeBytes = 1L << 30;

    public bool UsePersistentStorage { get; init; } = true;

    public required string StorageFolder { get; init; }

    /// <summary>True when StorageFolder was not set: the store then lives in the container's writable layer.</summary>
    public bool StorageFolderIsDefault { get; init; }

    /// <summary>
    /// The most bytes of stored messages (the message store's limit, on both backends; 0 = no limit). The in-memory
    /// backend gets twice this as its own hard limit, which also counts queue entries and per-entry overhead.
    /// </summary>
    public long MaxStoreSizeBytes { get; init; } = DefaultMaxStoreSizeBytes;

    public long RocksDbMaxTotalWalSize { get; init; } = RocksDbStoreOptions.DefaultMaxTotalWalSizeBytes;

    public long RocksDbWriteBufferSize { get; init; } = RocksDbStoreOptions.DefaultWriteBufferSizeBytes;

    public int RocksDbMaxWriteBufferNumber { get; init; } = RocksDbStoreOptions.DefaultMaxWriteBufferNumber;

    public int RocksDbMaxOpenFiles { get; init; } = RocksDbStoreOptions.DefaultMaxOpenFiles;

    public RocksDbCompression RocksDbCompression { get; init; } = RocksDbCompression.Lz4;

    public bool RocksDbEnableInfoLog { get; init; }

    /// <summary>The RocksDB files live here, under StorageFolder.</summary>
    public string RocksDbPath => Path.Combine(StorageFolder, "rocksdb");

    /// <summary>
    /// Present while the RocksDB store is being filled from the in-memory mode's backup (a switch of mode). Found at
    /// start, it means that fill was interrupted: the store holds part of the backup at most, and is built again.
    /// </summary>
    public string MigrationMarkerPath => Path.Combine(StorageFolder, "rocksdb.migrating");

    public static string DefaultStorageFolder => Path.Combine(Path.GetTempPath(), "edgemodule", "storage");

    public static ModuleStorageOptions Read(SettingsReader env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var folder = env.String("StorageFolder");
        var maxOpenFiles = (int)env.Int64("RocksDB_MaxOpenFiles", RocksDbStoreOptions.DefaultMaxOpenFiles, -1, int.MaxValue);
        if (maxOpenFiles is >= 0 and < RocksDbStoreOptions.MinMaxOpenFiles)
        {
            env.Invalid("RocksDB_MaxOpenFiles", maxOpenFiles.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"use -1 (no limit) or a number from {RocksDbStoreOptions.MinMaxOpenFiles}");
            maxOpenFiles = RocksDbStoreOptions.DefaultMaxOpenFiles;
        }

        if (folder is not null && !Path.IsPathFullyQualified(folder))
        {
            env.Invalid("StorageFolder", folder, "use an absolute path (a mounted folder)");
        }

        return new ModuleStorageOptions
        {
            UsePersistentStorage = env.Boolean("UsePersistentStorage", true),
            StorageFolder = folder ?? DefaultStorageFolder,
            StorageFolderIsDefault = folder is null,
            MaxStoreSizeBytes = env.Int64("MaxStoreSizeBytes", DefaultMaxStoreSizeBytes, 0, long.MaxValue),
            RocksDbMaxTotalWalSize = env.Int64("RocksDB_MaxTotalWalSize", RocksDbStoreOptions.DefaultMaxTotalWalSizeBytes, RocksDbStoreOptions.MinMaxTotalWalSizeBytes, long.MaxValue),
            RocksDbWriteBufferSize = env.Int64("RocksDB_WriteBufferSize", RocksDbStoreOptions.DefaultWriteBufferSizeBytes, RocksDbStoreOptions.MinWriteBufferSizeBytes, RocksDbStoreOptions.MaxWriteBufferSizeBytes),
            RocksDbMaxWriteBufferNumber = (int)env.Int64("RocksDB_MaxWriteBufferNumber", RocksDbStoreOptions.DefaultMaxWriteBufferNumber, RocksDbStoreOptions.MinMaxWriteBufferNumber, RocksDbStoreOptions.MaxMaxWriteBufferNumber),
            RocksDbMaxOpenFiles = maxOpenFiles,
            RocksDbCompression = env.Enum("RocksDB_Compression", RocksDbCompression.Lz4),
            RocksDbEnableInfoLog = env.Boolean("RocksDB_EnableInfoLog", false),
        };
    }
}
