namespace EdgeModule.Backup;

/// <summary>A backup file failed a check. <see cref="Offset"/> is where the first bad frame starts; everything before it was sound.</summary>
public class BackupCorruptException : BackupException
{
    public BackupCorruptException()
    {
    }

    public BackupCorruptException(string message)
        : base(message)
    {
    }

    public BackupCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupCorruptException(string path, long offset, string reason)
        : base($"The backup '{path}' is damaged at offset {offset}: {reason}")
    {
        Path = path;
        Offset = offset;
        Reason = reason;
    }

    public string? Path { get; }

    /// <summary>The file offset of the first frame that failed.</summary>
    public long Offset { get; }

    /// <summary>What was wrong, in words.</summary>
    public string? Reason { get; }
}
