using EdgeModule.Transport.Mqtt.Native;

namespace EdgeModule.Transport.Mqtt;

/// <summary>A failure of the MQTT transport; <see cref="NativeErrorCode"/> carries libmosquitto's code when known.</summary>
public class MqttTransportException : Exception
{
    public MqttTransportException()
    {
    }

    public MqttTransportException(string message)
        : base(message)
    {
    }

    public MqttTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MqttTransportException(string message, int nativeErrorCode)
        : base(message) => NativeErrorCode = nativeErrorCode;

    /// <summary>libmosquitto's MOSQ_ERR_* value, or null when the error did not come from the library.</summary>
    public int? NativeErrorCode { get; }

    internal static void ThrowIfError(int rc, string operation)
    {
        if (rc != 0)
        {
            throw new MqttTransportException($"{operation} failed: {NativeMethods.ErrorText(rc)} (MOSQ_ERR {rc}).", rc);
        }
    }
}
