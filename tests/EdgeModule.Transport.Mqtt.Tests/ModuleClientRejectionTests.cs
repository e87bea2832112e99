using System.Text;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>
/// MQTT 3.1.1 has no negative acknowledgement: a handler refuses a message by throwing MessageRejectedException and
/// the client aborts the connection before the queued PUBACK is written. These tests prove the broker never saw an
/// acknowledgement, by its redelivery after the reconnect (persistent session).
/// </summary>
public sealed class ModuleClientRejectionTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;

    [Fact]
    public async Task InputHandler_ThrowsMessageRejected_BrokerRedeliversAfterReconnectInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = ClientFactory.Options(_broker.Port);
        var seen = new List<string>();
        var rejections = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var statuses = new List<ConnectionStatus>();
        await using var client = await ClientFactory.OpenAsync(options, c =>
        {
            c.ConnectionStatusChanged += (_, e) => { lock (statuses) { statuses.Add(e.Status); } };
            return c.SetInputMessageHandlerAsync("in", (message, _) =>
        {
            var n = Encoding.UTF8.GetString(message.Body.Span);
            lock (seen)
            {
                // Refuse "m1" twice (store full), then accept it: it must come back each time, before m2.
                if (n == "m1" && rejections < 2)
                {
                    rejections++;
                    throw new MessageRejectedException("store full");
                }

                seen.Add(n);
                if (seen.Distinct().Count() == 3)
                {
                    done.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }, ct);
        });

        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        var prefix = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";
        foreach (var body in new[] { "m0", "m1", "m2" })
        {
            await producer.PublishAsync(prefix, body);
        }

        await done.Task.WaitAsync(TestTimeouts.Signal, ct);
        Assert.Equal(2, rejections);
        lock (seen)
        {
            // m0 is seen again when its PUBACK was still queued when m1's rejection shut the socket (same read):
            // at-least-once, never a loss and never m2 before m1.
            var distinct = seen.Distinct().ToList();
            Assert.Equal(["m0", "m1", "m2"], distinct);
            Assert.Equal("m2", seen[^1]);
        }

        // Our own aborts are not connection failures: no "disconnected, retrying" state change (nor its warning).
        lock (statuses)
        {
            Assert.DoesNotContain(ConnectionStatus.DisconnectedRetrying, statuses);
        }
    }

    [Fact]
    public async Task InputHandler_ThrowsOtherException_MessageIsAcknowledgedNotRedelivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = ClientFactory.Options(_broker.Port);
        var calls = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync("in", (message, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("a bug");
            }

            second.TrySetResult();
            return Task.CompletedTask;
        }, ct));

        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        var prefix = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";
        await producer.PublishAsync(prefix, "a");
        await producer.PublishAsync(prefix, "b");

        await second.Task.WaitAsync(TestTimeouts.Signal, ct);
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task SendToInputAsync_PlainBroker_ArrivesOnTargetModuleInputWithProperties()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = ClientFactory.Options(_broker.Port);
        var received = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var module = await ClientFactory.OpenAsync(target, c => c.SetInputMessageHandlerAsync(
            "input1", (m, _) => { received.TrySetResult(m); return Task.CompletedTask; }, ct));
        await using var sensor = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port, moduleId: "sensor"));

        var message = new Message(Encoding.UTF8.GetBytes("{\"t\":1}")) { MessageId = "id-1" };
        message.Properties["unit"] = "C";
        await sensor.SendToInputAsync(target.ModuleId, "input1", message, ct).WaitAsync(TestTimeouts.Signal, ct);

        var got = await received.Task.WaitAsync(TestTimeouts.Signal, ct);
        Assert.Equal("input1", got.InputName);
        Assert.Equal("id-1", got.MessageId);
        Assert.Equal("C", got.Properties["unit"]);
        Assert.Equal("{\"t\":1}", Encoding.UTF8.GetString(got.Body.Span));
    }
}
