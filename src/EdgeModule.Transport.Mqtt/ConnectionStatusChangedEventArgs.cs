namespace EdgeModule.Transport.Mqtt;

/// <summary>A transition of the connection state; raised once per change, not per reconnect attempt.</summary>
public sealed class ConnectionStatusChangedEventArgs(ConnectionStatus status, ConnectionStatusChangeReason reason) : EventArgs
{
    public ConnectionStatus Status { get; } = status;

    public ConnectionStatusChangeReason Reason { get; } = reason;
}
