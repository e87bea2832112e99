using System.Text;
using System.Text.Json;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>A raw client plays the cloud: it posts on $iothub/methods/POST/... and reads $iothub/methods/res/...</summary>
public sealed class ModuleClientMethodTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>, IAsyncLifetime
{
    private readonly MosquittoBroker _broker = fixture.Broker;
    private ModuleClient _client = null!;
    private RawMqttClient _cloud = null!;

    public async ValueTask InitializeAsync()
    {
        _client = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port, moduleId: "methods"), c => c.SetMethodHandlerAsync(
            "echo",
            (request, _) => Task.FromResult(new MethodResponse(200, request.Data.ToArray())),
            TestContext.Current.CancellationToken));
        await _client.SetMethodHandlerAsync(
            "fail", (_, _) => throw new InvalidOperationException("boom"), TestContext.Current.CancellationToken);
        _cloud = await RawMqttClient.ConnectAsync(_broker.Port);
        await _cloud.SubscribeAsync("$iothub/methods/res/#");
    }

    public async ValueTask DisposeAsync()
    {
        _cloud.Dispose();
        await _client.DisposeAsync();
    }

    [Fact]
    public async Task MethodRequest_RegisteredHandler_RespondsWithStatusAndPayloadForTheRequestId()
    {
        await _cloud.PublishAsync("$iothub/methods/POST/echo/?$rid=42", "{\"a\":[1,2]}", qos: 0);

        var (topic, payload) = await _cloud.NextAsync();
        Assert.Equal("$iothub/methods/res/200/?$rid=42", topic);
        Assert.Equal("{\"a\":[1,2]}", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task MethodRequest_UnknownMethod_Responds404()
    {
        await _cloud.PublishAsync("$iothub/methods/POST/nope/?$rid=7", "{}", qos: 0);

        var (topic, payload) = await _cloud.NextAsync();
        Assert.Equal("$iothub/methods/res/404/?$rid=7", topic);
        Assert.Contains("nope", JsonDocument.Parse(payload).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MethodRequest_InvalidJson_Responds400AndKeepsServing()
    {
        await _cloud.PublishAsync("$iothub/methods/POST/echo/?$rid=8", "{not json", qos: 0);
        var (badTopic, _) = await _cloud.NextAsync();
        await _cloud.PublishAsync("$iothub/methods/POST/echo/?$rid=9", "1", qos: 0);
        var (goodTopic, _) = await _cloud.NextAsync();

        Assert.Equal("$iothub/methods/res/400/?$rid=8", badTopic);
        Assert.Equal("$iothub/methods/res/200/?$rid=9", goodTopic);
    }

    [Fact]
    public async Task MethodRequest_HandlerThrows_Responds500()
    {
        await _cloud.PublishAsync("$iothub/methods/POST/fail/?$rid=10", "null", qos: 0);

        Assert.Equal("$iothub/methods/res/500/?$rid=10", (await _cloud.NextAsync()).Topic);
    }

    [Fact]
    public async Task MethodRequest_MissingRequestId_IsDroppedAndNextRequestAnswered()
    {
        await _cloud.PublishAsync("$iothub/methods/POST/echo/", "1", qos: 0);
        await _cloud.PublishAsync("$iothub/methods/POST/echo/?$rid=", "1", qos: 0);
        await _cloud.PublishAsync("$iothub/methods/POST/echo/?$rid=11", "1", qos: 0);

        Assert.Equal("$iothub/methods/res/200/?$rid=11", (await _cloud.NextAsync()).Topic);
    }
}
