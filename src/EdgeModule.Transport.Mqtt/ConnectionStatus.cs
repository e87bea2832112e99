namespace EdgeModule.Transport.Mqtt;

/// <summary>The connection state reported to <see cref="ModuleClient.ConnectionStatusChanged"/> (SDK names).</summary>
public enum ConnectionStatus
{
    Disconnected,
    Connected,
    DisconnectedRetrying,
    Disabled,
}
