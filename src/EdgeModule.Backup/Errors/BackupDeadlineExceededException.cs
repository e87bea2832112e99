namespace EdgeModule.Backup;

/// <summary>A backup could not finish before its deadline and was abandoned; the temp file was removed and the previous generations are untouched.</summary>
public class BackupDeadlineExceededException : BackupException
{
    public BackupDeadlineExceededException()
    {
    }

    public BackupDeadlineExceededException(string message)
        : base(message)
    {
    }

    public BackupDeadlineExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BackupDeadlineExceededException(DateTimeOffset deadline, long bytesWritten)
        : base($"The backup did not finish by its deadline {deadline:O} and was abandoned after {bytesWritten} bytes; the previous backups are intact.")
    {
        Deadline = deadline;
        BytesWritten = bytesWritten;
    }

    public DateTimeOffset Deadline { get; }

    public long BytesWritten { get; }
}
