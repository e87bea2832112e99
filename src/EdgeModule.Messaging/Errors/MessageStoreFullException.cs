using EdgeModule.Storage;

namespace EdgeModule.Messaging;

/// <summary>
/// The message store refused a message because its stored messages would pass
/// <see cref="MessageStoreOptions.MaxStoreBytes"/>. Nothing was written: do not acknowledge the message, so the sender
/// retries. It is a <see cref="StoreFullException"/>, so one catch also covers the in-memory backend's own limit.
/// </summary>
public class MessageStoreFullException : StoreFullException
{
    public MessageStoreFullException()
    {
    }

    public MessageStoreFullException(string message)
        : base(message)
    {
    }

    public MessageStoreFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MessageStoreFullException(long limitBytes, long usedBytes, long requestedBytes)
        : base(limitBytes, usedBytes, requestedBytes)
    {
    }
}
