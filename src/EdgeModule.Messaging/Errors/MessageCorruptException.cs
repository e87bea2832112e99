namespace EdgeModule.Messaging;

/// <summary>
/// A stored record of the message store cannot be decoded: an unknown format version, a truncated or overlong field,
/// invalid UTF-8, or a queue entry whose message is missing. The message says which and where.
/// </summary>
public class MessageCorruptException : Exception
{
    public MessageCorruptException()
    {
    }

    public MessageCorruptException(string message)
        : base(message)
    {
    }

    public MessageCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
