using System.Text.Json.Nodes;

namespace EdgeModule.Transport.Mqtt;

/// <summary>The module twin's properties as returned by <c>$iothub/twin/GET</c>.</summary>
public sealed class Twin(JsonObject desired, JsonObject reported)
{
    public JsonObject Desired { get; } = desired;

    public JsonObject Reported { get; } = reported;

    /// <summary>The desired properties' <c>$version</c>, to discard patches older than this twin.</summary>
    public long? DesiredVersion => Desired["$version"]?.GetValue<long>();
}
