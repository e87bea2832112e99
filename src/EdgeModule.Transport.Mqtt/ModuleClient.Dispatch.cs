using System.Text;
using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Routing of every incoming PUBLISH, on the network thread. Inputs go to the <see cref="InputDispatcher"/> (their
/// PUBACK waits for the handler's task); methods and twin traffic are handed off so a slow handler never holds the
/// connection. Anything malformed is logged and dropped: the broker has already delivered it, and redelivery would
/// not fix it.
/// </summary>
public sealed partial class ModuleClient
{
    private void OnMessage(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload)
    {
        if (topic.StartsWith(_topics.InputsPrefixUtf8))
        {
            _inputs.OnInput(_connection!, topic, payload);
            return;
        }

        var text = Encoding.UTF8.GetString(topic);
        if (text.StartsWith(IotHubTopics.MethodsPrefix, StringComparison.Ordinal))
        {
            HandleMethod(text, payload.ToArray());
        }
        else if (text.StartsWith(IotHubTopics.TwinResponsePrefix, StringComparison.Ordinal))
        {
            HandleTwinResponse(text, payload.ToArray());
        }
        else if (text.StartsWith(IotHubTopics.DesiredPatchPrefix, StringComparison.Ordinal))
        {
            _desiredPatches.Writer.TryWrite(payload.ToArray());
        }
        else
        {
            Log.MalformedMessage(_logger, text, "not a topic of this module");
        }
    }
}
