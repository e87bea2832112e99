using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests.Operations;

/// <summary>
/// Plays IoT Hub's side of direct methods on the module's broker: publishes
/// <c>$iothub/methods/POST/{name}/?$rid={rid}</c> and waits for <c>$iothub/methods/res/{status}/?$rid={rid}</c>.
/// </summary>
internal sealed class MethodCaller : HubSide
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int, JsonNode?)>> _pending = new(StringComparer.Ordinal);
    private int _next;

    private MethodCaller(MqttTestClient client)
        : base(client) => StartReading();

    public static async Task<MethodCaller> ConnectAsync(int port)
    {
        var client = await MqttTestClient.ConnectAsync(port);
        await client.SubscribeAsync("$iothub/methods/res/#");
        return new MethodCaller(client);
    }

    /// <summary>Sends the call and returns the status and the parsed body.</summary>
    public Task<(int Status, JsonNode? Body)> InvokeAsync(string method, string payload)
    {
        var rid = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<(int, JsonNode?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[rid] = answer;
        _ = Client.PublishAsync($"$iothub/methods/POST/{method}/?$rid={rid}", Encoding.UTF8.GetBytes(payload));
        return answer.Task.WaitAsync(TestTimeouts.Signal);
    }

    public Task<(int Status, JsonNode? Body)> InvokeAsync(string method, JsonObject payload) => InvokeAsync(method, payload.ToJsonString());

    /// <summary>A payload with <c>"schemaVersion": "1.0"</c> and the given fields.</summary>
    public static JsonObject Payload(params (string Name, JsonNode? Value)[] fields)
    {
        var json = new JsonObject { ["schemaVersion"] = "1.0" };
        foreach (var (name, value) in fields)
        {
            json[name] = value;
        }

        return json;
    }

    protected override void OnMessage(MqttTestClient.Received message)
    {
        // $iothub/methods/res/{status}/?$rid={rid}
        var parts = message.Topic.Split('/');
        var status = int.Parse(parts[3], CultureInfo.InvariantCulture);
        var rid = parts[4]["?$rid=".Length..];
        var body = message.Payload.Length == 0 ? null : JsonNode.Parse(message.Payload);
        if (_pending.TryRemove(rid, out var answer))
        {
            answer.TrySetResult((status, body));
        }
    }
}
