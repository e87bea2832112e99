namespace EdgeModule.Backup;

/// <summary>The backup folder is missing, is not a folder, or cannot be written. <see cref="Path"/> names it.</summary>
public class BackupFolderException : BackupException
{
    public BackupFolderException()
    {
    }

    public BackupFolderException(string message)
        : base(message)
    {
    }

    public BackupFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupFolderException(string path, string message, Exception? innerException = null)
        : base(message, innerException!)
    {
        Path = path;
    }

    /// <summary>The folder that failed.</summary>
    public string? Path { get; }
}
