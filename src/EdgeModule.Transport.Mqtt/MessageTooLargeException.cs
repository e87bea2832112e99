namespace EdgeModule.Transport.Mqtt;

/// <summary>A message is larger than the configured limit (IoT Hub's 256 KB by default); it was not sent.</summary>
public class MessageTooLargeException : MqttTransportException
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

    public MessageTooLargeException(int size, int limit)
        : base($"The message is {size} bytes (body and properties); the limit is {limit} bytes.")
    {
        Size = size;
        Limit = limit;
    }

    public int Size { get; }

    public int Limit { get; }
}
