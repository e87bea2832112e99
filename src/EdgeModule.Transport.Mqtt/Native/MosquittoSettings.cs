namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>What one libmosquitto client object needs; credentials can change before each connect (SAS renewal).</summary>
internal sealed record MosquittoSettings(
    string Host,
    int Port,
    string ClientId,
    bool CleanSession,
    int KeepAliveSeconds,
    string? CaFile,
    string? CaPath,
    string? CertFile,
    string? KeyFile,
    int MaxInflightMessages,
    bool TcpNoDelay = false,
    int MaxHeldAcknowledgements = 1000);
