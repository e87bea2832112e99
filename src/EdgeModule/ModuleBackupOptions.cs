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

        return new ModuleBackupOptions
        {
            Requested = requested,
            Enabled = requested && !storage.UsePersistentStorage,
            Folder = folder ?? Path.Combine(storage.StorageFolder, "backup"),
            FolderIsDefault = folder is null,
        };
    }
}
