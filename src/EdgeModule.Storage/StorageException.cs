namespace EdgeModule.Storage;

/// <summary>A storage backend failed; for RocksDB the message is the native error text.</summary>
public class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
