namespace EdgeModule.Transport.Mqtt;

/// <summary>Connection settings are missing or malformed; the message names every offending variable.</summary>
public class TransportConfigurationException : Exception
{
    public TransportConfigurationException()
    {
    }

    public TransportConfigurationException(string message)
        : base(message)
    {
    }

    public TransportConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
