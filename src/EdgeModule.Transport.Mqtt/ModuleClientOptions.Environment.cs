using System.Collections;
using System.Globalization;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Choosing and reading the connection settings from environment variables. Precedence (as the SDK's
/// CreateFromEnvironmentAsync): <c>EdgeHubConnectionString</c>, then the <c>IOTEDGE_*</c> variables the IoT Edge
/// runtime injects, then a plain broker (<c>MqttHost</c>). A prefix (for a second client, e.g. the upstream) is put
/// before every name except the <c>IOTEDGE_*</c> ones, which describe the module itself and are read without prefix.
/// </summary>
public sealed partial class ModuleClientOptions
{
    public const string EdgeHubConnectionStringVariable = "EdgeHubConnectionString";

    private static readonly string[] _iotEdgeVariables =
    [
        "IOTEDGE_WORKLOADURI", "IOTEDGE_APIVERSION", "IOTEDGE_MODULEGENERATIONID", "IOTEDGE_GATEWAYHOSTNAME",
        "IOTEDGE_DEVICEID", "IOTEDGE_MODULEID", "IOTEDGE_IOTHUBHOSTNAME", "IOTEDGE_AUTHSCHEME",
    ];

    /// <summary>Reads the process environment.</summary>
    public static ModuleClientOptions FromEnvironment(string prefix = "") =>
        FromEnvironment(ReadProcessEnvironment(), prefix);

    /// <summary>Reads the given variables; throws one error naming every missing or malformed variable.</summary>
    public static ModuleClientOptions FromEnvironment(IReadOnlyDictionary<string, string?> environment, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(prefix);
        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var errors = new List<string>();
        var tuning = ReadTuning(Get, prefix, errors);
        ModuleClientOptions? result = null;
        if (Get(prefix + EdgeHubConnectionStringVariable) is { } connectionString)
        {
            try
            {
                result = FromConnectionString(connectionString);
            }
            catch (TransportConfigurationException ex)
            {
                errors.Add($"{prefix}{EdgeHubConnectionStringVariable}: {ex.Message}");
            }
        }
        else if (prefix.Length == 0 && Array.Exists(_iotEdgeVariables, name => Get(name) is not null))
        {
            result = ReadIotEdge(Get, errors);
        }
        else if (Get(prefix + "MqttHost") is not null)
        {
            result = ReadBroker(Get, prefix, errors);
        }
        else
        {
            errors.Add(prefix.Length == 0
                ? $"no connection settings: set the IOTEDGE_* variables (IoT Edge), {EdgeHubConnectionStringVariable}, or MqttHost"
                : $"no connection settings: set {prefix}{EdgeHubConnectionStringVariable} or {prefix}MqttHost");
        }

        if (errors.Count > 0 || result is null)
        {
            throw new TransportConfigurationException("Invalid MQTT transport environment: " + string.Join("; ", errors) + ".");
        }

        result = tuning(result);
        result.Validate();
        return result;
    }

    private static ModuleClientOptions ReadIotEdge(Func<string, string?> get, List<string> errors)
    {
        foreach (var name in _iotEdgeVariables)
        {
            if (get(name) is null)
            {
                errors.Add($"{name} is missing");
            }
        }

        if (get("IOTEDGE_AUTHSCHEME") is { } scheme && !scheme.Equals("sasToken", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"IOTEDGE_AUTHSCHEME='{scheme}' is not supported (allowed: sasToken)");
        }

        Uri? workload = null;
        if (get("IOTEDGE_WORKLOADURI") is { } uri
            && (!Uri.TryCreate(uri, UriKind.Absolute, out workload) || workload.Scheme is not ("unix" or "http" or "https")))
        {
            errors.Add($"IOTEDGE_WORKLOADURI='{uri}' is not a unix://, http:// or https:// URI");
        }

        if (errors.Count > 0)
        {
            return null!;
        }

        return new ModuleClientOptions
        {
            Mode = TransportMode.IotEdge,
            DeviceId = get("IOTEDGE_DEVICEID")!,
            ModuleId = get("IOTEDGE_MODULEID")!,
            Host = get("IOTEDGE_GATEWAYHOSTNAME")!,
            Port = 8883,
            IotHubHostName = get("IOTEDGE_IOTHUBHOSTNAME")!,
            WorkloadUri = workload,
            WorkloadApiVersion = get("IOTEDGE_APIVERSION")!,
            ModuleGenerationId = get("IOTEDGE_MODULEGENERATIONID")!,
        };
    }

    private static ModuleClientOptions ReadBroker(Func<string, string?> get, string prefix, List<string> errors)
    {
        var caFile = get(prefix + "MqttCaFile");
        var certFile = get(prefix + "MqttClientCertFile");
        var port = ReadInt(get, prefix + "MqttPort", caFile is null && certFile is null ? 1883 : 8883, 1, 65535, errors);
        foreach (var file in new[] { "MqttCaFile", "MqttClientCertFile", "MqttClientKeyFile" })
        {
            if (get(prefix + file) is { } path && !File.Exists(path))
            {
                errors.Add($"{prefix}{file}='{path}' does not exist");
            }
            else if (file != "MqttClientKeyFile" && get(prefix + file) is { } pem && PemCertificateProblem(pem) is { } problem)
            {
                errors.Add($"{prefix}{file}='{pem}' is not a readable PEM certificate ({problem})");
            }
        }

        if ((certFile is null) != (get(prefix + "MqttClientKeyFile") is null))
        {
            errors.Add($"{prefix}MqttClientCertFile and {prefix}MqttClientKeyFile must be set together");
        }

        var deviceId = get(prefix + "MqttDeviceId") ?? get("IOTEDGE_DEVICEID");
        var moduleId = get(prefix + "MqttModuleId") ?? get("IOTEDGE_MODULEID");
        if (deviceId is null || moduleId is null)
        {
            errors.Add($"{prefix}MqttDeviceId and {prefix}MqttModuleId are required with {prefix}MqttHost");
        }

        return new ModuleClientOptions
        {
            Mode = TransportMode.Broker,
            Host = get(prefix + "MqttHost")!,
            Port = port,
            DeviceId = deviceId ?? string.Empty,
            ModuleId = moduleId ?? string.Empty,
            ClientId = get(prefix + "MqttClientId"),
            Username = get(prefix + "MqttUsername"),
            Password = get(prefix + "MqttPassword"),
            CaFile = caFile,
            ClientCertificateFile = certFile,
            ClientKeyFile = get(prefix + "MqttClientKeyFile"),
        };
    }

    /// <summary>
    /// Why the file cannot serve as a PEM certificate (a CA bundle or a client certificate), or null when it can: read
    /// at start, so a wrong file stops the module with its variable named instead of failing every TLS handshake later.
    /// </summary>
    private static string? PemCertificateProblem(string path)
    {
        try
        {
            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            return certificates.Count == 0 ? "no CERTIFICATE block in it" : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return ex.Message.TrimEnd('.');
        }
    }

    /// <summary>Knobs shared by every mode; returns a function applying them once the mode is known.</summary>
    private static Func<ModuleClientOptions, ModuleClientOptions> ReadTuning(Func<string, string?> get, string prefix, List<string> errors)
    {
        var maxSize = ReadInt(get, prefix + "MqttMaxMessageSize", DefaultMaxMessageSize, 1, 256 * 1024 * 1024, errors);
        var keepAlive = ReadInt(get, prefix + "MqttKeepAliveSecs", 60, 5, 65535, errors);
        var inflight = ReadInt(get, prefix + "MqttMaxInflightMessages", 100, 1, 65535, errors);
        var cleanSession = ReadBool(get, prefix + "MqttCleanSession", errors);
        var noDelay = ReadBool(get, prefix + "MqttTcpNoDelay", errors);
        return options => options.With(maxSize, keepAlive, cleanSession, inflight, noDelay, options.SubscribeToInputs);
    }

    /// <summary>A copy of these options with <see cref="SubscribeToInputs"/> set (false for a send-only client).</summary>
    public ModuleClientOptions WithSubscribeToInputs(bool subscribeToInputs) =>
        With(MaxMessageSize, KeepAliveSeconds, CleanSession, MaxInflightMessages, TcpNoDelay, subscribeToInputs);

    private static bool ReadBool(Func<string, string?> get, string name, List<string> errors)
    {
        var text = get(name);
        var value = false;
        if (text is not null && !bool.TryParse(text, out value))
        {
            errors.Add($"{name}='{text}' is not a boolean (allowed: true, false)");
        }

        return value;
    }

    private static int ReadInt(Func<string, string?> get, string name, int fallback, int min, int max, List<string> errors)
    {
        if (get(name) is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name}='{text}' is not a whole number in {min}-{max}"));
        return fallback;
    }

    private ModuleClientOptions With(
        int maxMessageSize, int keepAliveSeconds, bool cleanSession, int maxInflightMessages, bool tcpNoDelay, bool subscribeToInputs) => new()
    {
        Mode = Mode, DeviceId = DeviceId, ModuleId = ModuleId, Host = Host, Port = Port, ClientId = ClientId,
        CleanSession = cleanSession, Username = Username, Password = Password, CaFile = CaFile, CaPath = CaPath,
        ClientCertificateFile = ClientCertificateFile, ClientKeyFile = ClientKeyFile, KeepAliveSeconds = keepAliveSeconds,
        MaxMessageSize = maxMessageSize, MaxInflightMessages = maxInflightMessages, TcpNoDelay = tcpNoDelay, ReconnectMinDelay = ReconnectMinDelay,
        ReconnectMaxDelay = ReconnectMaxDelay, OperationTimeout = OperationTimeout, InputHandlerTimeout = InputHandlerTimeout,
        SasTokenTimeToLive = SasTokenTimeToLive, IotHubHostName = IotHubHostName, WorkloadUri = WorkloadUri,
        WorkloadApiVersion = WorkloadApiVersion, ModuleGenerationId = ModuleGenerationId, SharedAccessKey = SharedAccessKey,
        ApiVersion = ApiVersion, SubscribeToInputs = subscribeToInputs, MaxPendingInputs = MaxPendingInputs,
    };

    private static Dictionary<string, string?> ReadProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }

        return result;
    }
}
