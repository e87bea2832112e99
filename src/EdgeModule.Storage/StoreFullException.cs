namespace EdgeModule.Storage;

/// <summary>
/// A write was refused because it would take the store past its configured size limit. Nothing of the write was
/// applied; the caller should not acknowledge what it tried to store (so the sender retries later).
/// </summary>
public class StoreFullException : StorageException
{
    public StoreFullException()
    {
    }

    public StoreFullException(string message)
        : base(message)
    {
    }

    public StoreFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreFullException(long limitBytes, long usedBytes, long requestedBytes)
        : base($"The store is full: {usedBytes} of {limitBytes} bytes are used and the write needs {requestedBytes} more.")
    {
        LimitBytes = limitBytes;
        UsedBytes = usedBytes;
        RequestedBytes = requestedBytes;
    }

    public long LimitBytes { get; }

    public long UsedBytes { get; }

    public long RequestedBytes { get; }
}
