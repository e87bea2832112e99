namespace EdgeModule.Backup;

/// <summary>The backup was written by a newer format version than this build can read. It is not quarantined: a newer build can still use it.</summary>
public class BackupVersionNotSupportedException : BackupException
{
    public BackupVersionNotSupportedException()
    {
    }

    public BackupVersionNotSupportedException(string message)
        : base(message)
    {
    }

    public BackupVersionNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupVersionNotSupportedException(string path, int fileVersion, int supportedVersion)
        : base($"The backup '{path}' has format version {fileVersion}; this build reads versions up to {supportedVersion}. It was left in place for a newer build.")
    {
        Path = path;
        FileVersion = fileVersion;
        SupportedVersion = supportedVersion;
    }

    public string? Path { get; }

    /// <summary>The version written in the file.</summary>
    public int FileVersion { get; }

    /// <summary>The newest version this build reads (<see cref="Format.BackupFormat.CurrentVersion"/>).</summary>
    public int SupportedVersion { get; }
}
