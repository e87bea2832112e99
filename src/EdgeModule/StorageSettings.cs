using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

namespace EdgeModule;

/// <summary>The storage part of the module's configuration, read from environment variables (names as in IoT Edge).</summary>
public sealed class StorageSettings
{
    public bool UsePersistentStorage { get; init; } = true;

    public required string StorageFolder { get; init; }

    /// <summary>True when StorageFolder was not set: the store then lives in the container's writable layer.</summary>
    public bool StorageFolderIsDefault { get; init; }

    /// <summary>Default <see cref="MaxStoreSizeBytes"/>: 1 GiB of stored messages.</summary>
    public const long DefaultMaxStoreSizeBytes = 1L << 30;

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

    public static string DefaultStorageFolder => Path.Combine(Path.GetTempPath(), "edgemodule", "storage");

    public static StorageSettings FromEnvironment(EnvironmentReader env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var folder = env.String("StorageFolder");
        var settings = new StorageSettings
        {
            UsePersistentStorage = env.Boolean("UsePersistentStorage", true),
            StorageFolder = folder ?? DefaultStorageFolder,
            StorageFolderIsDefault = folder is null,
            MaxStoreSizeBytes = env.Int64("MaxStoreSizeBytes", DefaultMaxStoreSizeBytes, 0, long.MaxValue),
            RocksDbMaxTotalWalSize = env.Int64("RocksDB_MaxTotalWalSize", RocksDbStoreOptions.DefaultMaxTotalWalSizeBytes, RocksDbStoreOptions.MinMaxTotalWalSizeBytes, long.MaxValue),
            RocksDbWriteBufferSize = env.Int64("RocksDB_WriteBufferSize", RocksDbStoreOptions.DefaultWriteBufferSizeBytes, RocksDbStoreOptions.MinWriteBufferSizeBytes, RocksDbStoreOptions.MaxWriteBufferSizeBytes),
            RocksDbMaxWriteBufferNumber = (int)env.Int64("RocksDB_MaxWriteBufferNumber", RocksDbStoreOptions.DefaultMaxWriteBufferNumber, RocksDbStoreOptions.MinMaxWriteBufferNumber, RocksDbStoreOptions.MaxMaxWriteBufferNumber),
            RocksDbMaxOpenFiles = (int)env.Int64("RocksDB_MaxOpenFiles", RocksDbStoreOptions.DefaultMaxOpenFiles, -1, int.MaxValue),
            RocksDbCompression = env.Enum("RocksDB_Compression", RocksDbCompression.Lz4),
            RocksDbEnableInfoLog = env.Boolean("RocksDB_EnableInfoLog", false),
        };

        if (settings.RocksDbMaxOpenFiles is >= 0 and < RocksDbStoreOptions.MinMaxOpenFiles)
        {
            throw SettingsException.Invalid("RocksDB_MaxOpenFiles", settings.RocksDbMaxOpenFiles.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"use -1 (no limit) or a number from {RocksDbStoreOptions.MinMaxOpenFiles}");
        }

        if (settings.UsePersistentStorage)
        {
            EnsureWritableFolder("StorageFolder", settings.StorageFolder);
        }

        return settings;
    }

    /// <summary>Creates the folder if needed and proves it writable, or names the variable, the path and the reason.</summary>
    public static void EnsureWritableFolder(string variable, string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException($"Invalid setting {variable}='{path}': the folder cannot be created or written ({e.Message}).", e);
        }
    }

    public IKeyValueStore OpenStore() => UsePersistentStorage
        ? new RocksDbStore(new RocksDbStoreOptions
        {
            Path = RocksDbPath,
            MaxTotalWalSizeBytes = RocksDbMaxTotalWalSize,
            WriteBufferSizeBytes = RocksDbWriteBufferSize,
            MaxWriteBufferNumber = RocksDbMaxWriteBufferNumber,
            MaxOpenFiles = RocksDbMaxOpenFiles,
            Compression = RocksDbCompression,
            EnableInfoLog = RocksDbEnableInfoLog,
        })
        : new InMemoryStore(new InMemoryStoreOptions
        {
            MemoryLimitBytes = MaxStoreSizeBytes == 0 ? 0 : MaxStoreSizeBytes > long.MaxValue / 2 ? long.MaxValue : MaxStoreSizeBytes * 2,
        });

    /// <summary>True when the RocksDB store does not exist yet (its CURRENT file is missing): a first start or a switch.</summary>
    /// <summary>
    /// Present while the RocksDB store is being filled from the in-memory mode's backup (a switch of mode). Found at
    /// start, it means that fill was interrupted: the store holds part of the backup at most, and is built again.
    /// </summary>
    public string MigrationMarkerPath => Path.Combine(StorageFolder, "rocksdb.migrating");

    public bool PersistentStoreIsNew => !File.Exists(Path.Combine(RocksDbPath, "CURRENT"));
}
