using System.Globalization;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Connection settings of one <see cref="ModuleClient"/>. Build them with <see cref="FromEnvironment(string)"/>,
/// <see cref="FromConnectionString"/> or an object initializer (plain broker). The defaults favour the store:
/// a persistent session (<see cref="CleanSession"/> false) under a stable client id, so QoS 1 messages wait in the
/// broker while the module restarts.
/// </summary>
public sealed partial class ModuleClientOptions
{
    public const int DefaultMaxMessageSize = 256 * 1024;

    public required string DeviceId { get; init; }

    public required string ModuleId { get; init; }

    /// <summary>Broker, edgeHub gateway or IoT Hub host name.</summary>
    public required string Host { get; init; }

    public int Port { get; init; } = 1883;

    public TransportMode Mode { get; init; } = TransportMode.Broker;

    /// <summary>Defaults to <c>{DeviceId}/{ModuleId}</c>, the client id edgeHub and IoT Hub expect.</summary>
    public string? ClientId { get; init; }

    public bool CleanSession { get; init; }

    /// <summary>Broker mode only; the SAS modes build the <c>{hub}/{device}/{module}/?api-version=…</c> user name.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>PEM file of CAs to trust; setting it (or <see cref="CaPath"/>) turns TLS on.</summary>
    public string? CaFile { get; init; }

    /// <summary>Directory of hashed CA certificates (e.g. /etc/ssl/certs); also turns TLS on.</summary>
    public string? CaPath { get; init; }

    public string? ClientCertificateFile { get; init; }

    public string? ClientKeyFile { get; init; }

    public int KeepAliveSeconds { get; init; } = 60;

    /// <summary>Body plus encoded properties, in bytes; larger messages are refused both ways.</summary>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>QoS 1 publishes awaiting PUBACK at once; the library queues the rest.</summary>
    public int MaxInflightMessages { get; init; } = 100;

    /// <summary>
    /// Sends every packet in its own TCP segment at once (TCP_NODELAY). Off by default, as in libmosquitto and its
    /// command-line clients: Nagle's algorithm coalesces the small PUBACKs of a burst of input messages (measured on
    /// 2 cores: a quarter less CPU per received message, and less work for the broker). The price is that a small
    /// packet written while an earlier one is unacknowledged waits for that TCP acknowledgement (at most the peer's
    /// delayed-ACK time, ~40 ms on Linux); turn it on when request/response latency matters more than throughput.
    /// </summary>
    public bool TcpNoDelay { get; init; }

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bound on waiting for CONNACK, SUBACK, twin and method responses.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an input handler may hold the network thread (and the PUBACK) per message.</summary>
    public TimeSpan InputHandlerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan SasTokenTimeToLive { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Input messages whose handler task may still be running at once (their PUBACKs held, see docs/transport.md,
    /// "Delivery contract"); at the bound the client stops reading until they are done. The broker's own in-flight
    /// window (mosquitto's max_inflight_messages, 20 by default) also bounds it: raise both together.
    /// </summary>
    public int MaxPendingInputs { get; init; } = 1000;

    /// <summary>
    /// Whether this client may subscribe to the module's inputs (<c>devices/{d}/modules/{m}/inputs/#</c>). True for
    /// the inputs client; false for a client that only sends (the module's own upstream connection): setting an input
    /// handler on it throws, and a message that reaches it anyway (a persistent session another client subscribed
    /// under the same client id) is never acknowledged (see docs/transport.md, "Delivery contract").
    /// </summary>
    public bool SubscribeToInputs { get; init; } = true;

    /// <summary>IoT Hub host name used in the SAS resource and user name (SAS modes).</summary>
    public string? IotHubHostName { get; init; }

    /// <summary>Workload API address (IoT Edge mode), e.g. <c>unix:///var/run/iotedge/workload.sock</c>.</summary>
    public Uri? WorkloadUri { get; init; }

    public string? WorkloadApiVersion { get; init; }

    public string? ModuleGenerationId { get; init; }

    /// <summary>Shared access key, base64 (connection-string mode).</summary>
    public string? SharedAccessKey { get; init; }

    /// <summary>The IoT Hub MQTT api-version put in the user name.</summary>
    public string ApiVersion { get; init; } = "2021-04-12";

    public string EffectiveClientId => ClientId ?? $"{DeviceId}/{ModuleId}";

    /// <summary>Throws one <see cref="TransportConfigurationException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        Require(errors, DeviceId, nameof(DeviceId));
        Require(errors, ModuleId, nameof(ModuleId));
        Require(errors, Host, nameof(Host));
        if (Port is < 1 or > 65535)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Port={Port} (allowed 1-65535)"));
        }

        if (MaxMessageSize < 1 || KeepAliveSeconds < 5 || MaxInflightMessages < 1 || MaxPendingInputs < 1)
        {
            errors.Add("MaxMessageSize, MaxInflightMessages, MaxPendingInputs must be positive and KeepAliveSeconds at least 5");
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
        {
            errors.Add("ReconnectMinDelay must be positive and not above ReconnectMaxDelay");
        }

        if ((ClientCertificateFile is null) != (ClientKeyFile is null))
        {
            errors.Add("ClientCertificateFile and ClientKeyFile must be set together");
        }

        if (Mode == TransportMode.IotEdge && (WorkloadUri is null || WorkloadApiVersion is null || ModuleGenerationId is null || IotHubHostName is null))
        {
            errors.Add("IoT Edge mode needs WorkloadUri, WorkloadApiVersion, ModuleGenerationId and IotHubHostName");
        }

        if (Mode == TransportMode.ConnectionString && (SharedAccessKey is null || IotHubHostName is null))
        {
            errors.Add("connection-string mode needs SharedAccessKey and IotHubHostName");
        }

        if (errors.Count > 0)
        {
            throw new TransportConfigurationException("Invalid MQTT transport settings: " + string.Join("; ", errors) + ".");
        }
    }

    private static void Require(List<string> errors, string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{name} is required");
        }
    }
}
