using EdgeModule.Transport.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeModule;

/// <summary>
/// The module's MQTT clients: the inputs client, and the upstream client — its own connection when configured
/// (prefix Upstream), otherwise the inputs client itself (outputs through the IoT Edge hub). Opened and closed by the
/// hosted services in lifecycle order; disposed with the host.
/// </summary>
public sealed class ModuleClients : IAsyncDisposable
{
    public ModuleClients(TransportOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        Inputs = new ModuleClient(options.Inputs, loggerFactory, time);
        // The upstream's own client only sends: it never subscribes to inputs, so it never takes a message it has no
        // handler for (a message reaching it anyway is refused, not acknowledged).
        Upstream = options.Upstream is null ? Inputs : new ModuleClient(options.Upstream.WithSubscribeToInputs(false), loggerFactory, time);
    }

    public ModuleClient Inputs { get; }

    public ModuleClient Upstream { get; }

    public bool UpstreamIsSeparate => !ReferenceEquals(Inputs, Upstream);

    public string UpstreamDescription => UpstreamIsSeparate
        ? $"its own upstream connection {Upstream.Options.Host}:{Upstream.Options.Port} ({Upstream.Options.Mode}, client {Upstream.Options.EffectiveClientId})"
        : $"the outputs of the inputs connection {Inputs.Options.Host}:{Inputs.Options.Port} ({Inputs.Options.Mode})";

    public async ValueTask DisposeAsync()
    {
        if (UpstreamIsSeparate)
        {
            await Upstream.DisposeAsync().ConfigureAwait(false);
        }

        await Inputs.DisposeAsync().ConfigureAwait(false);
    }
}
