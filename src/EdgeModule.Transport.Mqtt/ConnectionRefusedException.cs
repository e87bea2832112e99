namespace EdgeModule.Transport.Mqtt;

/// <summary>The broker answered CONNECT with a refusal (bad credentials, unknown identity, unavailable).</summary>
public class ConnectionRefusedException : MqttTransportException
{
    public ConnectionRefusedException()
    {
    }

    public ConnectionRefusedException(string message)
        : base(message)
    {
    }

    public ConnectionRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConnectionRefusedException(string message, int connackCode)
        : base(message) => ConnackCode = connackCode;

    /// <summary>MQTT 3.1.1 CONNACK return code: 4 bad user name or password, 5 not authorized.</summary>
    public int ConnackCode { get; }

    internal bool IsCredentialProblem => ConnackCode is 4 or 5;
}
