using EdgeModule.Transport.Mqtt;

namespace EdgeModule;

/// <summary>
/// The MQTT connections: the inputs client (default prefix: IoT Edge variables, EdgeHubConnectionString or MqttHost)
/// and, optionally, an upstream client of its own (prefix <c>Upstream</c>: UpstreamEdgeHubConnectionString or
/// UpstreamMqttHost). Without one, outputs leave through the inputs client, that is through the IoT Edge hub.
/// </summary>
public sealed class TransportOptions
{
    public const string UpstreamPrefix = "Upstream";

    public required ModuleClientOptions Inputs { get; init; }

    /// <summary>The upstream's own connection, or null when outputs go through <see cref="Inputs"/>.</summary>
    public ModuleClientOptions? Upstream { get; init; }

    public static TransportOptions Read(SettingsReader env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var variables = env.Variables;
        var inputs = Read(env, variables, string.Empty);
        var hasUpstream = env.String(UpstreamPrefix + ModuleClientOptions.EdgeHubConnectionStringVariable) is not null
            || env.String(UpstreamPrefix + "MqttHost") is not null;
        var upstream = hasUpstream ? Read(env, variables, UpstreamPrefix) : null;
        if (inputs is not null && upstream is not null && SameSession(inputs, upstream))
        {
            // Two connections with one client id take each other's session over and over; the broker would hand input
            // messages to whichever holds it at the moment.
            env.Error($"Invalid settings MqttClientId and UpstreamMqttClientId: the inputs and the upstream connect to {inputs.Host}:{inputs.Port} "
                + $"with the same client id '{inputs.EffectiveClientId}'; the two connections would take each other's session. "
                + "Set UpstreamMqttClientId (or MqttClientId) to a different, stable id.");
        }

        return new TransportOptions
        {
            Inputs = inputs ?? new ModuleClientOptions { Mode = TransportMode.Broker, Host = "invalid", DeviceId = "invalid", ModuleId = "invalid" },
            Upstream = upstream,
        };
    }

    private static bool SameSession(ModuleClientOptions a, ModuleClientOptions b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port
        && string.Equals(a.EffectiveClientId, b.EffectiveClientId, StringComparison.Ordinal);

    private static ModuleClientOptions? Read(SettingsReader env, IReadOnlyDictionary<string, string?> variables, string prefix)
    {
        try
        {
            return ModuleClientOptions.FromEnvironment(variables, prefix);
        }
        catch (TransportConfigurationException e)
        {
            // The transport names every bad variable and why; keep its words on the one line.
            env.Error(e.Message);
            return null;
        }
    }
}
