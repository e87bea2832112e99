using System.Text;

namespace EdgeModule.Operations;

/// <summary>
/// The operator's side of the module: the Prometheus endpoint, the metric labels IoT Edge's metrics-collector expects
/// (from the <c>IOTEDGE_*</c> variables the runtime sets), and the self-watchdog.
/// </summary>
public sealed class OperationsOptions
{
    /// <summary>The port IoT Edge's metrics-collector scrapes by convention.</summary>
    public const int DefaultMetricsPort = 9600;

    /// <summary>Default WatchdogTimeoutSecs: long enough for a slow upstream's retries, short enough to matter.</summary>
    public const int DefaultWatchdogSeconds = 600;

    /// <summary>TCP port of <c>/metrics</c> on every interface; 0 turns the endpoint off.</summary>
    public int MetricsPort { get; init; } = DefaultMetricsPort;

    /// <summary>Where the endpoint listens: <c>+</c> (every interface) in the container; tests use 127.0.0.1.</summary>
    public string MetricsHost { get; init; } = "+";

    /// <summary>Prefix of every metric name: the module's name, as IoT Edge asks of custom modules.</summary>
    public string MetricsPrefix { get; init; } = "edgemodule";

    /// <summary>Static labels: <c>iothub</c>, <c>edge_device</c>, <c>module_name</c> when the variables are set.</summary>
    public IReadOnlyDictionary<string, string> MetricLabels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>No progress for this long while work is pending makes the module exit; zero turns the watchdog off.</summary>
    public TimeSpan WatchdogTimeout { get; init; } = TimeSpan.FromSeconds(DefaultWatchdogSeconds);

    public static OperationsOptions Read(SettingsReader env, TransportOptions transport)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(transport);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        AddLabel(labels, "iothub", env.String("IOTEDGE_IOTHUBHOSTNAME"));
        AddLabel(labels, "edge_device", env.String("IOTEDGE_DEVICEID"));
        AddLabel(labels, "module_name", env.String("IOTEDGE_MODULEID"));
        return new OperationsOptions
        {
            MetricsPort = (int)env.Int64("MetricsPort", DefaultMetricsPort, 0, 65535),
            MetricsPrefix = MetricName(env.String("IOTEDGE_MODULEID") ?? (transport.Inputs.ModuleId is { Length: > 0 } id ? id : "edgemodule")),
            MetricLabels = labels,
            WatchdogTimeout = TimeSpan.FromSeconds(env.Int64("WatchdogTimeoutSecs", DefaultWatchdogSeconds, 0, 86400)),
        };
    }

    /// <summary>
    /// A module name as a Prometheus name prefix: lower case, every character outside <c>[a-z0-9_]</c> as <c>_</c>, and
    /// a leading <c>_</c> when it starts with a digit (a name must match <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>).
    /// </summary>
    public static string MetricName(string moduleName)
    {
        ArgumentException.ThrowIfNullOrEmpty(moduleName);
        var name = new StringBuilder(moduleName.Length + 1);
        foreach (var c in moduleName.ToLowerInvariant())
        {
            name.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        if (char.IsAsciiDigit(name[0]))
        {
            name.Insert(0, '_');
        }

        return name.ToString();
    }

    private static void AddLabel(Dictionary<string, string> labels, string name, string? value)
    {
        if (value is not null)
        {
            labels[name] = value;
        }
    }
}
