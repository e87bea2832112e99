namespace EdgeModule;

/// <summary>The backup part of the configuration: in-memory mode backs up at shutdown and restores at startup.</summary>
public sealed class BackupSettings
{
    /// <summary>EnableNonPersistentStorageBackup as set (default false).</summary>
    public bool Requested { get; init; }

    /// <summary>Backup and restore actually run: requested and the store is in memory.</summary>
    public bool Enabled { get; init; }

    /// <summary>Requested but ignored because UsePersistentStorage=true (logged at startup).</summary>
    public bool IgnoredBecausePersistent => Requested && !Enabled;

    public required string Folder { get; init; }

    public static BackupSettings FromEnvironment(EnvironmentReader env, StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(storage);
        var requested = env.Boolean("EnableNonPersistentStorageBackup", false);
        var settings = new BackupSettings
        {
            Requested = requested,
            Enabled = requested && !storage.UsePersistentStorage,
            Folder = env.String("BackupFolder") ?? Path.Combine(storage.StorageFolder, "backup"),
        };

        if (settings.Enabled)
        {
            StorageSettings.EnsureWritableFolder("BackupFolder", settings.Folder);
        }

        return settings;
    }
}
