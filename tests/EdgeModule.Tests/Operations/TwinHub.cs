using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests.Operations;

/// <summary>
/// Plays IoT Hub's twin service on the module's broker: answers <c>$iothub/twin/GET</c> with <see cref="Desired"/>,
/// takes reported patches (answered 204) and hands them to the test, and publishes desired patches with their
/// <c>$version</c>. Connect it before the module starts so the module's first GET is answered.
/// </summary>
internal sealed class TwinHub : HubSide
{
    private readonly Channel<JsonObject> _reported = Channel.CreateUnbounded<JsonObject>();
    private readonly Lock _lock = new();
    private long _version;

    private TwinHub(MqttTestClient client, JsonObject desired)
        : base(client)
    {
        Desired = desired;
        _version = desired["$version"] is { } v ? Number(v) : 1;
        StartReading();
    }

    /// <summary>The desired document a GET returns (with its <c>$version</c>); patches sent are merged into it.</summary>
    public JsonObject Desired { get; }

    /// <summary>Every reported property as the module last reported it (patches merged).</summary>
    public JsonObject Reported { get; } = [];

    public int Gets { get; private set; }

    public static async Task<TwinHub> ConnectAsync(int port, JsonObject? desired = null)
    {
        var client = await MqttTestClient.ConnectAsync(port);
        await client.SubscribeAsync("$iothub/twin/GET/#");
        await client.SubscribeAsync("$iothub/twin/PATCH/properties/reported/#");
        return new TwinHub(client, desired ?? new JsonObject { ["$version"] = 1 });
    }

    /// <summary>Sends a desired patch at the next version (or at <paramref name="version"/>) and returns that version.</summary>
    public async Task<long> PatchAsync(JsonObject patch, long? version = null)
    {
        var v = version ?? Interlocked.Increment(ref _version);
        var body = (JsonObject)patch.DeepClone();
        body["$version"] = v;
        lock (_lock)
        {
            foreach (var (name, value) in patch)
            {
                Desired[name] = value?.DeepClone();
            }

            Desired["$version"] = Math.Max(v, Desired["$version"] is { } d ? Number(d) : 0);
        }

        await Client.PublishAsync(
            string.Create(CultureInfo.InvariantCulture, $"$iothub/twin/PATCH/properties/desired/?$version={v}"),
            Encoding.UTF8.GetBytes(body.ToJsonString()));
        return v;
    }

    /// <summary>Waits for a reported patch that <paramref name="match"/> accepts (earlier ones are merged and skipped).</summary>
    public async Task<JsonObject> WaitForReportAsync(Func<JsonObject, bool> match)
    {
        using var bound = new CancellationTokenSource(TestTimeouts.Signal);
        while (true)
        {
            var patch = await _reported.Reader.ReadAsync(bound.Token);
            if (match(patch))
            {
                return patch;
            }
        }
    }

    /// <summary>Waits for the acknowledgement of <paramref name="name"/> at desired version <paramref name="version"/>.</summary>
    public async Task<JsonObject> WaitForAckAsync(string name, long version)
    {
        var patch = await WaitForReportAsync(p => p[name] is JsonObject ack && (long?)ack["av"] == version);
        return (JsonObject)patch[name]!;
    }

    /// <summary>A JSON number however it was made (an int literal in a test or parsed text).</summary>
    private static long Number(JsonNode node) => long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    protected override void OnMessage(MqttTestClient.Received message)
    {
        var rid = message.Topic[(message.Topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..];
        if (message.Topic.StartsWith("$iothub/twin/GET/", StringComparison.Ordinal))
        {
            JsonObject twin;
            lock (_lock)
            {
                Gets++;
                twin = new JsonObject { ["desired"] = Desired.DeepClone(), ["reported"] = Reported.DeepClone() };
            }

            _ = Client.PublishAsync($"$iothub/twin/res/200/?$rid={rid}", Encoding.UTF8.GetBytes(twin.ToJsonString()));
            return;
        }

        var patch = JsonNode.Parse(message.Payload)!.AsObject();
        lock (_lock)
        {
            foreach (var (name, value) in patch)
            {
                Reported[name] = value?.DeepClone();
            }
        }

        _ = Client.PublishAsync($"$iothub/twin/res/204/?$rid={rid}&$version=2", []);
        _reported.Writer.TryWrite(patch);
    }
}
