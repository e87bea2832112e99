using System.Collections;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule;

/// <summary>
/// The MQTT connections: the inputs client (default prefix: IoT Edge variables, EdgeHubConnectionString or MqttHost)
/// and, optionally, an upstream client of its own (prefix <c>Upstream</c>: UpstreamEdgeHubConnectionString or
/// UpstreamMqttHost). Without one, outputs leave through the inputs client, that is through the IoT Edge hub.
/// </summary>
public sealed class TransportSettings
{
    public const string UpstreamPrefix = "Upstream";

    public required ModuleClientOptions Inputs { get; init; }

    /// <summary>The upstream's own connection, or null when outputs go through <see cref="Inputs"/>.</summary>
    public ModuleClientOptions? Upstream { get; init; }

    public static TransportSettings FromEnvironment(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in variables)
        {
            env[(string)entry.Key] = entry.Value as string;
        }

        var inputs = Read(env, string.Empty);
        var hasUpstream = HasValue(env, UpstreamPrefix + ModuleClientOptions.EdgeHubConnectionStringVariable) || HasValue(env, UpstreamPrefix + "MqttHost");
        return new TransportSettings { Inputs = inputs, Upstream = hasUpstream ? Read(env, UpstreamPrefix) : null };
    }

    private static bool HasValue(Dictionary<string, string?> env, string name) =>
        env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value);

    private static ModuleClientOptions Read(Dictionary<string, string?> env, string prefix)
    {
        try
        {
            return ModuleClientOptions.FromEnvironment(env, prefix);
        }
        catch (TransportConfigurationException e)
        {
            // The transport names every bad variable and why; keep its words on the one startup line.
            throw new SettingsException(e.Message, e);
        }
    }
}
