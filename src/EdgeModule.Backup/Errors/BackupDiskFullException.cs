namespace EdgeModule.Backup;

/// <summary>The disk filled up (ENOSPC) while a backup was written. The temp file was removed; older generations are untouched.</summary>
public class BackupDiskFullException : BackupException
{
    public BackupDiskFullException()
    {
    }

    public BackupDiskFullException(string message)
        : base(message)
    {
    }

    public BackupDiskFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupDiskFullException(string path, long bytesWritten, Exception innerException)
        : base($"The disk is full: the backup '{path}' could not be written after {bytesWritten} bytes. The partial file was removed; the previous backups are intact.", innerException)
    {
        Path = path;
        BytesWritten = bytesWritten;
    }

    /// <summary>The temp file that could not be completed (it no longer exists).</summary>
    public string? Path { get; }

    /// <summary>How far the write got.</summary>
    public long BytesWritten { get; }
}
