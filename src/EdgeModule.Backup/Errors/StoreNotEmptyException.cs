namespace EdgeModule.Backup;

/// <summary>A restore was asked into a store that already holds data; restore only fills an empty store.</summary>
public class StoreNotEmptyException : BackupException
{
    public StoreNotEmptyException()
    {
    }

    public StoreNotEmptyException(string message)
        : base(message)
    {
    }

    public StoreNotEmptyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The first partition found holding data.</summary>
    public string? Partition { get; init; }

    public static StoreNotEmptyException ForPartition(string partition) =>
        new($"The store is not empty (partition '{partition}' holds data); a backup is only restored into an empty store.")
        {
            Partition = partition,
        };
}
