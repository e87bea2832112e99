using System.Text;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

public sealed class ModuleClientOutputTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;

    [Fact]
    public async Task SendEventAsync_OutputWithProperties_RawSubscriberSeesTopicBagAndBody()
    {
        var options = ClientFactory.Options(_broker.Port);
        using var observer = await RawMqttClient.ConnectAsync(_broker.Port);
        await observer.SubscribeAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/messages/events/#");
        await using var client = await ClientFactory.OpenAsync(options);

        var message = new Message(Encoding.UTF8.GetBytes("payload"))
        {
            MessageId = "id 1",
            CorrelationId = "corr",
            ContentType = "application/json",
            ContentEncoding = "utf-8",
            CreationTimeUtc = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
        };
        message.Properties["k/ey"] = "v&=lue";
        await client.SendEventAsync("output1", message, TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        var (topic, payload) = await observer.NextAsync();
        Assert.Equal("payload", Encoding.UTF8.GetString(payload));
        Assert.Equal(
            $"devices/{options.DeviceId}/modules/{options.ModuleId}/messages/events/" +
            "%24.on=output1&%24.mid=id%201&%24.cid=corr&%24.ct=application%2Fjson&%24.ce=utf-8" +
            "&%24.ctime=2024-01-02T03%3A04%3A05.0000000Z&k%2Fey=v%26%3Dlue",
            topic);
    }

    [Fact]
    public async Task SendEventAsync_ManyQos1Messages_AllAcknowledgedAndSeenInOrder()
    {
        var options = ClientFactory.Options(_broker.Port);
        using var observer = await RawMqttClient.ConnectAsync(_broker.Port);
        await observer.SubscribeAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/messages/events/#");
        await using var client = await ClientFactory.OpenAsync(options);

        var sends = Enumerable.Range(0, 500)
            .Select(i => client.SendEventAsync("out", new Message(BitConverter.GetBytes(i)), TestContext.Current.CancellationToken))
            .ToArray();
        await Task.WhenAll(sends).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32((await observer.NextAsync()).Payload));
        }
    }

    [Fact]
    public async Task SendEventAsync_AboveSizeLimit_ThrowsMessageTooLargeAndSendsNothing()
    {
        var options = ClientFactory.Options(_broker.Port, maxMessageSize: 4096);
        using var observer = await RawMqttClient.ConnectAsync(_broker.Port);
        await observer.SubscribeAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/messages/events/#");
        await using var client = await ClientFactory.OpenAsync(options);

        var error = await Assert.ThrowsAsync<MessageTooLargeException>(
            () => client.SendEventAsync("out", new Message(new byte[4096]), TestContext.Current.CancellationToken));
        await client.SendEventAsync("out", new Message(new byte[100]), TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        Assert.Equal(4096, error.Limit);
        Assert.Equal(100, (await observer.NextAsync()).Payload.Length);
    }

    [Fact]
    public async Task SendEventAsync_BeforeConnected_FailsFastWithTransportDisconnected()
    {
        var options = ClientFactory.Options(_broker.Port);
        await using var client = new ModuleClient(options);

        await Assert.ThrowsAsync<TransportDisconnectedException>(
            () => client.SendEventAsync("out", new Message(new byte[1]), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SendEventAsync_ReservedPropertyName_ThrowsArgumentException()
    {
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port));
        var message = new Message(new byte[1]);
        message.Properties["$.mid"] = "sneaky";

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendEventAsync("out", message, TestContext.Current.CancellationToken));
    }
}
