using System.Threading.Channels;
using EdgeModule.Transport.Mqtt.Native;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>
/// A second, plain MQTT client over the raw binding, playing the other side (a producer module, edgeHub routing,
/// the cloud calling a method). Received messages are queued; <see cref="NextAsync"/> waits with a bound.
/// </summary>
internal sealed class RawMqttClient : IDisposable
{
    private readonly MosquittoConnection _connection;
    private readonly Channel<(string Topic, byte[] Payload)> _received = Channel.CreateUnbounded<(string, byte[])>();
    private readonly TaskCompletionSource<int> _connack = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RawMqttClient(MosquittoSettings settings)
    {
        _connection = new MosquittoConnection(settings, NullLogger.Instance)
        {
            MessageReceived = (topic, payload) => _received.Writer.TryWrite((System.Text.Encoding.UTF8.GetString(topic), payload.ToArray())),
        };
        _connection.ConnackReceived += rc => _connack.TrySetResult(rc);
    }

    public static async Task<RawMqttClient> ConnectAsync(int port, string? caFile = null, string? clientId = null, bool cleanSession = true)
    {
        var settings = new MosquittoSettings(
            "127.0.0.1", port, clientId ?? "raw-" + Guid.NewGuid().ToString("N"), cleanSession, 30, caFile, null, null, null, 1000);
        var client = new RawMqttClient(settings);
        client._connection.Connect();
        var rc = await client._connack.Task.WaitAsync(TestTimeouts.Signal);
        Assert.Equal(0, rc);
        return client;
    }

    public Task SubscribeAsync(string filter, int qos = 1) => _connection.SubscribeAsync(filter, qos).WaitAsync(TestTimeouts.Signal);

    public Task PublishAsync(string topic, byte[] payload, int qos = 1) =>
        _connection.PublishAsync(topic, payload, qos).WaitAsync(TestTimeouts.Signal);

    public Task PublishAsync(string topic, string payload, int qos = 1) =>
        PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), qos);

    public async Task<(string Topic, byte[] Payload)> NextAsync(TimeSpan? timeout = null)
    {
        using var bound = new CancellationTokenSource(timeout ?? TestTimeouts.Signal);
        return await _received.Reader.ReadAsync(bound.Token);
    }

    public bool TryTake(out (string Topic, byte[] Payload) message) => _received.Reader.TryRead(out message);

    public void Dispose() => _connection.Dispose();
}
