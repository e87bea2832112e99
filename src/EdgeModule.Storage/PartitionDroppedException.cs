namespace EdgeModule.Storage;

/// <summary>The partition handle was used after <see cref="IKeyValueStore.DropPartition"/> dropped its partition.</summary>
public class PartitionDroppedException : StorageException
{
    public PartitionDroppedException()
    {
    }

    public PartitionDroppedException(string message)
        : base(message)
    {
    }

    public PartitionDroppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static PartitionDroppedException For(string partition) =>
        new($"Partition '{partition}' was dropped; open it again with GetOrCreatePartition.");
}
