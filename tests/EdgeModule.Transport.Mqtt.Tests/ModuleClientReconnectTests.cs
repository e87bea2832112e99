using System.Collections.Concurrent;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>Each test kills and restarts the class's broker by PID; the tests in this class run one at a time.</summary>
public sealed class ModuleClientReconnectTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;

    [Fact]
    public async Task BrokerKilledAndRestarted_ClientReconnectsResubscribesAndLosesNoSendAfterRecovery()
    {
        _broker.Start();
        var options = ClientFactory.Options(_broker.Port);
        var statuses = new ConcurrentQueue<ConnectionStatus>();
        var retrying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var input = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await ClientFactory.OpenAsync(options, async c =>
        {
            await c.SetInputMessageHandlerAsync("in", (m, _) => { input.TrySetResult(m); return Task.CompletedTask; }, TestContext.Current.CancellationToken);
            c.ConnectionStatusChanged += (_, e) =>
            {
                statuses.Enqueue(e.Status);
                if (e.Status == ConnectionStatus.DisconnectedRetrying)
                {
                    retrying.TrySetResult();
                }
                else if (e.Status == ConnectionStatus.Connected && retrying.Task.IsCompleted)
                {
                    reconnected.TrySetResult();
                }
            };
        });

        _broker.Kill();
        await retrying.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<TransportDisconnectedException>(
            () => client.SendEventAsync("out", new Message(new byte[1]), TestContext.Current.CancellationToken));
        _broker.Start();
        await reconnected.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        // The restarted broker kept nothing (persistence off): receiving on the input proves the re-subscription.
        using var raw = await RawMqttClient.ConnectAsync(_broker.Port);
        await raw.SubscribeAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/messages/events/#");
        await raw.PublishAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/", "after");
        Assert.Equal("in", (await input.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken)).InputName);

        var sends = Enumerable.Range(0, 300)
            .Select(i => client.SendEventAsync("out", new Message(BitConverter.GetBytes(i)), TestContext.Current.CancellationToken))
            .ToArray();
        await Task.WhenAll(sends).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        var seen = new HashSet<int>();
        while (seen.Count < 300)
        {
            seen.Add(BitConverter.ToInt32((await raw.NextAsync()).Payload));
        }

        // One transition per state change, however many attempts the outage took.
        Assert.Equal([ConnectionStatus.Connected, ConnectionStatus.DisconnectedRetrying, ConnectionStatus.Connected], statuses);
    }

    [Fact]
    public async Task OpenAsync_BrokerDownAtStart_RetriesAndConnectsOnceBrokerStarts()
    {
        _broker.Kill();
        var statuses = new ConcurrentQueue<ConnectionStatus>();
        var retrying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new ModuleClient(ClientFactory.Options(_broker.Port));
        client.ConnectionStatusChanged += (_, e) =>
        {
            statuses.Enqueue(e.Status);
            if (e.Status == ConnectionStatus.DisconnectedRetrying)
            {
                retrying.TrySetResult();
            }
        };

        var open = client.OpenAsync(TestContext.Current.CancellationToken);
        await retrying.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.False(open.IsCompleted);
        _broker.Start();
        await open.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        Assert.Equal(ConnectionStatus.Connected, client.Status);
        Assert.Equal([ConnectionStatus.DisconnectedRetrying, ConnectionStatus.Connected], statuses);
    }

    [Fact]
    public async Task SendEventAsync_InFlightWhenBrokerDies_FailsWithTransportDisconnectedOrCompletes()
    {
        _broker.Start();
        var options = ClientFactory.Options(_broker.Port);
        await using var client = await ClientFactory.OpenAsync(options);

        var sends = Enumerable.Range(0, 2000)
            .Select(_ => client.SendEventAsync("out", new Message(new byte[1024]), TestContext.Current.CancellationToken))
            .ToArray();
        _broker.Kill();

        // No send may hang: each either got its PUBACK before the kill or fails with the typed exception.
        foreach (var send in sends)
        {
            try
            {
                await send.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
            }
            catch (TransportDisconnectedException)
            {
            }
        }

        _broker.Start();
    }
}
