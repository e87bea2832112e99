using System.Text;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

public sealed class ModuleClientInputTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;

    [Fact]
    public async Task SetInputMessageHandler_MessageWithProperties_DeliversBodySystemAndApplicationProperties()
    {
        var received = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = ClientFactory.Options(_broker.Port);
        await using var client = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync(
            "input1", (message, _) => { received.TrySetResult(message); return Task.CompletedTask; }, TestContext.Current.CancellationToken));
        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);

        var topic = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/input1/" +
            "%24.mid=m-1&%24.cid=c-9&%24.ct=application%2Fjson&%24.ce=utf-8&%24.ctime=2024-05-01T10%3A00%3A00.0000000Z" +
            "&%24.cdid=leaf&%24.cmid=producer&temperature=21.5&note=a%20b%26c";
        await producer.PublishAsync(topic, "{\"t\":21.5}");

        var message = await received.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal("{\"t\":21.5}", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal("input1", message.InputName);
        Assert.Equal("m-1", message.MessageId);
        Assert.Equal("c-9", message.CorrelationId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("utf-8", message.ContentEncoding);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), message.CreationTimeUtc);
        Assert.Equal("leaf", message.ConnectionDeviceId);
        Assert.Equal("producer", message.ConnectionModuleId);
        Assert.Equal("21.5", message.Properties["temperature"]);
        Assert.Equal("a b&c", message.Properties["note"]);
    }

    [Fact]
    public async Task SetInputMessageHandler_MalformedBagOrOversized_DropsThoseAndDeliversTheNext()
    {
        var received = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        var small = ClientFactory.Options(_broker.Port, maxMessageSize: 1024);
        await using var client = await ClientFactory.OpenAsync(small, c => c.SetMessageHandlerAsync(
            (message, _) => { received.TrySetResult(message); return Task.CompletedTask; }, TestContext.Current.CancellationToken));
        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        var prefix = $"devices/{small.DeviceId}/modules/{small.ModuleId}/inputs/";

        await producer.PublishAsync(prefix + "in/bad=%zz", "bad escape");
        await producer.PublishAsync(prefix + "in/=nokey", "empty key");
        await producer.PublishAsync(prefix + "in/%24.ctime=yesterday", "bad date");
        await producer.PublishAsync(prefix + "in/", new byte[2048]);
        await producer.PublishAsync(prefix + "in/ok=1", "good");

        // Delivery is in order on one connection, so the first message the handler sees must be the good one.
        var message = await received.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal("good", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal("in", message.InputName);
    }

    [Fact]
    public async Task Receive_MessagesSentWhileModuleOffline_DeliveredAfterReopenWithPersistentSession()
    {
        var options = ClientFactory.Options(_broker.Port);
        var first = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync(
            "in", (_, _) => Task.CompletedTask, TestContext.Current.CancellationToken));
        await first.DisposeAsync();

        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        var prefix = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";
        for (var i = 0; i < 50; i++)
        {
            await producer.PublishAsync(prefix + "n=" + i, "m" + i);
        }

        var seen = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var second = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync("in", (message, _) =>
        {
            seen.Add(message.Properties["n"]);
            if (seen.Count == 50)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        }, TestContext.Current.CancellationToken));

        await all.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), seen);
    }

    [Fact]
    public async Task InputHandler_AwaitsSendOnSameClient_IsRefusedInsteadOfDeadlocking()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        ModuleClient? self = null;
        var options = ClientFactory.Options(_broker.Port);
        await using var client = await ClientFactory.OpenAsync(options, c =>
        {
            self = c;
            return c.SetInputMessageHandlerAsync("in", async (message, ct) =>
            {
                try
                {
                    await self!.SendEventAsync("out", new Message(message.Body), ct);
                    outcome.TrySetResult(null);
                }
                catch (InvalidOperationException ex)
                {
                    outcome.TrySetResult(ex);
                }
            }, TestContext.Current.CancellationToken);
        });
        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);

        await producer.PublishAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/", "x");

        Assert.IsType<InvalidOperationException>(await outcome.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken));
    }
}
