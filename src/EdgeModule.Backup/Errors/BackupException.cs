namespace EdgeModule.Backup;

/// <summary>A backup or restore failed; the message says what and where. Subclasses name the cases a host handles differently.</summary>
public class BackupException : Exception
{
    public BackupException()
    {
    }

    public BackupException(string message)
        : base(message)
    {
    }

    public BackupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
