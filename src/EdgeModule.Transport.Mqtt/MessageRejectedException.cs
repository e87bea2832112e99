namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Thrown by an input handler (or set as the fault of the task it returned) to refuse a message so that it is NOT
/// acknowledged (say, the store is full): the client then ends the connection before the PUBACK libmosquitto has
/// queued can be written, and reconnects with backoff; the broker redelivers the message on the persistent session.
/// A returned task that faults with any other exception refuses the message too; any other exception thrown
/// synchronously by the handler is logged and the message is acknowledged (redelivery would not fix a bug).
/// </summary>
public class MessageRejectedException : Exception
{
    public MessageRejectedException()
    {
    }

    public MessageRejectedException(string message)
        : base(message)
    {
    }

    public MessageRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
