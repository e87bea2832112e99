using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule.Operations;

/// <summary>
/// A direct method's JSON payload, checked as edgeAgent checks its own: an object with <c>"schemaVersion": "1.0"</c>;
/// anything else is a <see cref="MethodPayloadException"/> that the router answers with 400 and its message.
/// </summary>
public sealed class MethodPayload
{
    public const string SchemaVersion = "1.0";

    private readonly JsonObject _json;

    private MethodPayload(JsonObject json) => _json = json;

    public static MethodPayload Parse(MethodRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonNode? node;
        try
        {
            node = request.Data.IsEmpty ? null : JsonNode.Parse(request.Data.Span);
        }
        catch (JsonException ex)
        {
            throw new MethodPayloadException($"the payload is not JSON ({ex.Message})");
        }

        if (node is not JsonObject json)
        {
            throw new MethodPayloadException($"the payload must be a JSON object with \"schemaVersion\": \"{SchemaVersion}\"");
        }

        var version = json["schemaVersion"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (version != SchemaVersion)
        {
            throw new MethodPayloadException($"\"schemaVersion\" must be \"{SchemaVersion}\" (got {json["schemaVersion"]?.ToJsonString() ?? "nothing"})");
        }

        return new MethodPayload(json);
    }

    /// <summary>A whole number field; <paramref name="defaultValue"/> when absent and allowed, else a 400.</summary>
    public long Int64(string name, long? defaultValue = null, long min = long.MinValue, long max = long.MaxValue)
    {
        var node = _json[name];
        if (node is null)
        {
            return defaultValue ?? throw new MethodPayloadException($"\"{name}\" is required");
        }

        if (node is not JsonValue value || !value.TryGetValue<long>(out var number) || number < min || number > max)
        {
            throw new MethodPayloadException($"\"{name}\" must be a whole number from {min} to {max} (got {node.ToJsonString()})");
        }

        return number;
    }

    /// <summary>A string field; null when absent and optional, else a 400.</summary>
    public string? String(string name, bool required)
    {
        var node = _json[name];
        if (node is null)
        {
            return required ? throw new MethodPayloadException($"\"{name}\" is required") : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var s) && s.Length > 0
            ? s
            : throw new MethodPayloadException($"\"{name}\" must be a non-empty string (got {node.ToJsonString()})");
    }
}
