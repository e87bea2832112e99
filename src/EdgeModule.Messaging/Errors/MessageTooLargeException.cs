namespace EdgeModule.Messaging;

/// <summary>
/// One message, encoded, is larger than <see cref="MessageStoreOptions.MaxMessageBytes"/>. Nothing was written.
/// Retrying will not help: the host should reject the message rather than leave it unacknowledged.
/// </summary>
public class MessageTooLargeException : Exception
{
    public MessageTooLargeException()
    {
    }

    public MessageTooLargeException(string message)
        : base(message)
    {
    }

    public MessageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MessageTooLargeException(int sizeBytes, int limitBytes)
        : base($"The message is {sizeBytes} bytes encoded; the limit is {limitBytes} (MessageStoreOptions.MaxMessageBytes).")
    {
        SizeBytes = sizeBytes;
        LimitBytes = limitBytes;
    }

    public int SizeBytes { get; }

    public int LimitBytes { get; }
}
