using System.Text.Json.Nodes;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// One desired-properties patch as the hub sent it: <see cref="Properties"/> is the patch body (IoT Hub includes
/// <c>$version</c> in it), <see cref="Version"/> the desired version it brings the twin to, from the body's
/// <c>$version</c> or else the topic's <c>?$version=</c>; null when neither says (a plain broker). Acknowledge a
/// setting with this version as <c>av</c>; a patch not newer than the twin already applied can be ignored.
/// </summary>
public sealed class DesiredPropertiesPatch(long? version, JsonObject properties)
{
    public long? Version { get; } = version;

    public JsonObject Properties { get; } = properties;
}
