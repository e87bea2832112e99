namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// The client is not connected (or lost the connection before the broker acknowledged). Thrown at once rather than
/// queueing, so the caller's store keeps the message and retries after <see cref="ConnectionStatus.Connected"/>.
/// </summary>
public class TransportDisconnectedException : MqttTransportException
{
    public TransportDisconnectedException()
        : base("The MQTT transport is not connected.")
    {
    }

    public TransportDisconnectedException(string message)
        : base(message)
    {
    }

    public TransportDisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
