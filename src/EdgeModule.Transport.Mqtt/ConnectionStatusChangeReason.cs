namespace EdgeModule.Transport.Mqtt;

/// <summary>Why the connection state changed (SDK names).</summary>
public enum ConnectionStatusChangeReason
{
    ConnectionOk,
    CommunicationError,
    BadCredential,
    ExpiredSasToken,
    ClientClose,
}
