using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests.Operations;

/// <summary>
/// A raw client playing one of IoT Hub's services on the module's broker: every message it receives (on the topics
/// the subclass subscribed to) is handed to <see cref="OnMessage"/>, in order, from one reader task.
/// </summary>
internal abstract class HubSide : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;

    protected HubSide(MqttTestClient client) => Client = client;

    protected MqttTestClient Client { get; }

    public void Dispose()
    {
        _stop.Cancel();
        Client.Dispose();
        _stop.Dispose();
    }

    /// <summary>Starts reading (after the subclass is fully constructed).</summary>
    protected void StartReading() => _reader = Task.Run(ReadAsync);

    protected abstract void OnMessage(MqttTestClient.Received message);

    private async Task ReadAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            MqttTestClient.Received message;
            try
            {
                message = await Client.NextAsync(TimeSpan.FromMinutes(10));
            }
            catch (OperationCanceledException)
            {
                return;
            }

            OnMessage(message);
        }
    }
}
