namespace EdgeModule;

/// <summary>The backup part of the configuration: in-memory mode backs up at shutdown and restores at startup.</summary>
public sealed class ModuleBackupOptions
{
    /// <summary>EnableNonPersistentStorageBackup as set (default false).</summary>
    public bool Requested { get; init; }

    /// <summary>Backup and restore actually run: requested and the store is in memory.</summary>
    public bool Enabled { get; init; }

    /// <summary>Requested but ignored because UsePersistentStorage=true (logged at startup).</summary>
    public bool IgnoredBecausePersistent => Requested && !Enabled;

    public required string Folder { get; init; }

    /// <summary>True when BackupFolder was not set (it is then under StorageFolder).</summary>
    public bool FolderIsDefault { get; init; }

    /// <summary>Default <see cref="CheckpointInterval"/>: 1 s.</summary>
    public const int DefaultCheckpointIntervalMs = 1000;

    /// <summary>
    /// CheckpointIntervalMs: how often the journal appends the store's net changes to the newest generation (one write,
    /// one fdatasync; nothing changed, nothing written). Zero turns the journal off: backups at shutdown only.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMilliseconds(DefaultCheckpointIntervalMs);

    /// <summary>The journal runs: backup on (memory mode) and a non-zero CheckpointIntervalMs.</summary>
    public bool JournalEnabled => Enabled && CheckpointInterval > TimeSpan.Zero;

    /// <summary>
    /// AcknowledgeAfterCheckpoint: an input message is acknowledged only once the journal's delta holding it is on disk
    /// (group commit), so a kill or a power cut loses no acknowledged message.
    /// </summary>
    public bool AcknowledgeAfterCheckpoint { get; init; }

    public static ModuleBackupOptions Read(SettingsReader env, ModuleStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(storage);
        var requested = env.Boolean("EnableNonPersistentStorageBackup", false);
        var folder = env.String("BackupFolder");
        if (folder is not null && !Path.IsPathFullyQualified(folder))
        {
            env.Invalid("BackupFolder", folder, "use an absolute path (a mounted folder)");
        }

        var options = new ModuleBackupOptions
        {
            Requested = requested,
            Enabled = requested && !storage.UsePersistentStorage,
            Folder = folder ?? Path.Combine(storage.StorageFolder, "backup"),
            FolderIsDefault = folder is null,
            CheckpointInterval = TimeSpan.FromMilliseconds(env.Int64("CheckpointIntervalMs", DefaultCheckpointIntervalMs, 0, 3_600_000)),
            AcknowledgeAfterCheckpoint = env.Boolean("AcknowledgeAfterCheckpoint", false),
        };

        if (options.AcknowledgeAfterCheckpoint && !options.JournalEnabled && !storage.UsePersistentStorage)
        {
            // In memory without the journal nothing would ever make a message durable before the shutdown backup.
            env.Invalid("AcknowledgeAfterCheckpoint", "true",
                "it needs the journal: EnableNonPersistentStorageBackup=true and CheckpointIntervalMs above 0 (or UsePersistentStorage=true, where it is not needed)");
        }

        return options;
    }
}
