namespace EdgeModule.Transport.Mqtt;

/// <summary>How the client authenticates and where it connects.</summary>
public enum TransportMode
{
    /// <summary>A plain MQTT broker: optional TLS CA, username/password or client certificate.</summary>
    Broker,

    /// <summary>edgeHub from the IOTEDGE_* variables, SAS tokens signed by the workload API, its trust bundle for TLS.</summary>
    IotEdge,

    /// <summary>IoT Hub (or a gateway) from a connection string; SAS tokens computed locally from the key.</summary>
    ConnectionString,
}
