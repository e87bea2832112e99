using System.Collections.Concurrent;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>
/// What a send's task promises, seen on the wire through a broker that acknowledges only when told: the in-flight
/// window, completion in acknowledgement order, and an outcome for every send when the connection drops.
/// </summary>
public sealed class ModuleClientCompletionTests
{
    [Fact]
    public async Task SendEventAsync_MaxInflightMessages_OnlyThatManyUnacknowledgedOnTheWire()
    {
        await using var broker = new ScriptedMqttBroker();
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(broker.Port, maxInflightMessages: 5));

        var sends = Enumerable.Range(0, 20).Select(_ => client.SendEventAsync("out", new Message(new byte[8]), TestContext.Current.CancellationToken)).ToArray();
        // QoS 0 goes out at once, behind whatever QoS 1 publishes the window let through: a marker on the wire.
        _ = client.GetTwinAsync(TestContext.Current.CancellationToken);

        var beforeMarker = new List<int>();
        for (var publish = await broker.NextPublishAsync(); publish.Qos == 1; publish = await broker.NextPublishAsync())
        {
            beforeMarker.Add(publish.PacketId);
        }

        Assert.Equal(5, beforeMarker.Count);
        Assert.All(sends, send => Assert.False(send.IsCompleted));

        // Each acknowledgement lets exactly one more out, until all twenty are through.
        var unacknowledged = new Queue<int>(beforeMarker);
        for (var acknowledged = 0; acknowledged < 20; acknowledged++)
        {
            await broker.PubAckAsync(unacknowledged.Dequeue());
            if (acknowledged < 15)
            {
                unacknowledged.Enqueue((await broker.NextPublishAsync()).PacketId);
            }
        }

        await Task.WhenAll(sends).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SendEventAsync_AcknowledgedTogether_ContinuationsRunInPublishOrder()
    {
        const int Count = 300;
        await using var broker = new ScriptedMqttBroker();
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(broker.Port, maxInflightMessages: Count));
        var order = new ConcurrentQueue<int>();
        var sends = new Task[Count];
        for (var i = 0; i < Count; i++)
        {
            var index = i;
            sends[i] = client.SendEventAsync("out", new Message(new byte[8]), TestContext.Current.CancellationToken)
                .ContinueWith(_ => order.Enqueue(index), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        // Nothing is acknowledged before every continuation is registered; then all PUBACKs go out back to back.
        var packetIds = new List<int>();
        for (var i = 0; i < Count; i++)
        {
            packetIds.Add((await broker.NextPublishAsync()).PacketId);
        }

        foreach (var packetId in packetIds)
        {
            await broker.PubAckAsync(packetId);
        }

        await Task.WhenAll(sends).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(0, Count), order);
    }

    [Fact]
    public async Task SendEventAsync_ConnectionDropsWithSendsUnacknowledged_AcknowledgedSucceedRestFailAndLaterSendsSucceed()
    {
        await using var broker = new ScriptedMqttBroker();
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(broker.Port, maxInflightMessages: 10));
        client.ConnectionStatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.Connected)
            {
                reconnected.TrySetResult();
            }
        };

        var sends = Enumerable.Range(0, 10).Select(_ => client.SendEventAsync("out", new Message(new byte[8]), TestContext.Current.CancellationToken)).ToArray();
        var packetIds = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            packetIds.Add((await broker.NextPublishAsync()).PacketId);
        }

        foreach (var packetId in packetIds.Take(5))
        {
            await broker.PubAckAsync(packetId);
        }

        await Task.WhenAll(sends.Take(5)).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        broker.Drop();

        foreach (var send in sends.Skip(5))
        {
            await Assert.ThrowsAsync<TransportDisconnectedException>(() => send.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken));
        }

        // After the reconnect the library resends the five it still holds (their acknowledgements now belong to no
        // task); a new send completes on its own PUBACK.
        await reconnected.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        var after = client.SendEventAsync("out", new Message(new byte[8]), TestContext.Current.CancellationToken);
        for (var i = 0; i < 6; i++)
        {
            await broker.PubAckAsync((await broker.NextPublishAsync()).PacketId);
        }

        await after.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
    }
}
