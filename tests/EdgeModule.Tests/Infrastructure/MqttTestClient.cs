using System.Text;
using System.Threading.Channels;
using EdgeModule.Transport.Mqtt.Dialect;
using EdgeModule.Transport.Mqtt.Native;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>
/// A plain MQTT client over the transport's raw libmosquitto binding, playing the module's neighbours: a producer
/// publishing to the module's input (a task per message that completes on the broker's PUBACK) and the upstream
/// reading what the module forwarded.
/// </summary>
internal sealed class MqttTestClient : IDisposable
{
    private readonly MosquittoConnection _connection;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly TaskCompletionSource<int> _connack = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttTestClient(MosquittoSettings settings)
    {
        _connection = new MosquittoConnection(settings, NullLogger.Instance)
        {
            MessageReceived = (topic, payload) => _received.Writer.TryWrite(new Received(Encoding.UTF8.GetString(topic), payload.ToArray())),
        };
        _connection.ConnackReceived += rc => _connack.TrySetResult(rc);
    }

    public static async Task<MqttTestClient> ConnectAsync(int port, string? clientId = null)
    {
        var settings = new MosquittoSettings("127.0.0.1", port, clientId ?? "test-" + Guid.NewGuid().ToString("N"), true, 30, null, null, null, null, 1000);
        var client = new MqttTestClient(settings);
        client._connection.Connect();
        Assert.Equal(0, await client._connack.Task.WaitAsync(TestTimeouts.Signal));
        return client;
    }

    public Task SubscribeAsync(string filter) => _connection.SubscribeAsync(filter, 1).WaitAsync(TestTimeouts.Signal);

    /// <summary>Queues a QoS 1 PUBLISH; the task completes on the broker's PUBACK (fails if the connection drops).</summary>
    public Task PublishAsync(string topic, byte[] payload) => _connection.PublishAsync(topic, payload, 1);

    public async Task<Received> NextAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        return await _received.Reader.ReadAsync(bound.Token);
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>A message as the upstream saw it: topic (with its property bag) and payload bytes.</summary>
    internal sealed record Received(string Topic, byte[] Payload)
    {
        /// <summary>The property bag after <c>messages/events/</c>, decoded (system properties keep their <c>$.</c> keys).</summary>
        public Dictionary<string, string> Properties
        {
            get
            {
                var marker = Topic.IndexOf("/messages/events/", StringComparison.Ordinal);
                var bag = marker < 0 ? string.Empty : Topic[(marker + "/messages/events/".Length)..];
                var result = new Dictionary<string, string>(StringComparer.Ordinal);
                Assert.True(PropertyBag.TryParse(bag, result, out var error), error);
                return result;
            }
        }

        public override string ToString() => Topic + " " + Encoding.UTF8.GetString(Payload);
    }
}
