namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Thrown by an input handler to refuse a message so that it is NOT acknowledged (say, the store is full): the client
/// then ends the connection from inside the callback, before the PUBACK libmosquitto has queued can be written, and
/// reconnects with backoff; the broker redelivers the message on the persistent session. Any other exception from a
/// handler is logged and the message is acknowledged (redelivery would not fix a bug or a malformed message).
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
