using System.Text;
using System.Text.Json.Nodes;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>A raw client plays the hub's twin service on the $iothub/twin/... topics.</summary>
public sealed class ModuleClientTwinTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;

    [Fact]
    public async Task GetTwinAsync_HubAnswers200_ReturnsDesiredAndReported()
    {
        using var hub = await RawMqttClient.ConnectAsync(_broker.Port);
        await hub.SubscribeAsync("$iothub/twin/GET/#", 0);
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port));

        var twin = client.GetTwinAsync(TestContext.Current.CancellationToken);
        var (topic, _) = await hub.NextAsync();
        var rid = topic[(topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..];
        await hub.PublishAsync($"$iothub/twin/res/200/?$rid={rid}", "{\"desired\":{\"interval\":5,\"$version\":3},\"reported\":{\"ok\":true}}", 0);

        var result = await twin.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal(5, result.Desired["interval"]!.GetValue<int>());
        Assert.Equal(3, result.DesiredVersion);
        Assert.True(result.Reported["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task UpdateReportedPropertiesAsync_HubAnswers204_CompletesWithPatchSent()
    {
        using var hub = await RawMqttClient.ConnectAsync(_broker.Port);
        await hub.SubscribeAsync("$iothub/twin/PATCH/properties/reported/#", 0);
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port));

        var update = client.UpdateReportedPropertiesAsync(new JsonObject { ["lastBackup"] = "now" }, TestContext.Current.CancellationToken);
        var (topic, payload) = await hub.NextAsync();
        var rid = topic[(topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..];
        await hub.PublishAsync($"$iothub/twin/res/204/?$rid={rid}&$version=4", [], 0);

        await update.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal("{\"lastBackup\":\"now\"}", Encoding.UTF8.GetString(payload));
    }

    [Fact]
    public async Task UpdateReportedPropertiesAsync_HubAnswers400_ThrowsWithStatus()
    {
        using var hub = await RawMqttClient.ConnectAsync(_broker.Port);
        await hub.SubscribeAsync("$iothub/twin/PATCH/properties/reported/#", 0);
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port));

        var update = client.UpdateReportedPropertiesAsync(new JsonObject { ["x"] = 1 }, TestContext.Current.CancellationToken);
        var (topic, _) = await hub.NextAsync();
        var rid = topic[(topic.IndexOf("$rid=", StringComparison.Ordinal) + 5)..];
        await hub.PublishAsync($"$iothub/twin/res/400/?$rid={rid}", "{\"message\":\"bad\"}", 0);

        var error = await Assert.ThrowsAsync<MqttTransportException>(() => update);
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DesiredPropertyPatch_Published_CallbackReceivesPatchesInOrder()
    {
        var patches = new List<JsonObject>();
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port), c => c.SetDesiredPropertyUpdateCallbackAsync(
            (patch, _) =>
            {
                patches.Add(patch);
                if (patches.Count == 2)
                {
                    both.TrySetResult();
                }

                return Task.CompletedTask;
            },
            TestContext.Current.CancellationToken));
        using var hub = await RawMqttClient.ConnectAsync(_broker.Port);

        await hub.PublishAsync("$iothub/twin/PATCH/properties/desired/?$version=5", "{\"interval\":10,\"$version\":5}", 0);
        await hub.PublishAsync("$iothub/twin/PATCH/properties/desired/?$version=6", "not json", 0);
        await hub.PublishAsync("$iothub/twin/PATCH/properties/desired/?$version=7", "{\"interval\":20,\"$version\":7}", 0);

        await both.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal([10, 20], patches.Select(p => p["interval"]!.GetValue<int>()));
    }

    [Fact]
    public async Task DesiredPropertiesHandler_Patches_CarryTheVersionFromTheBodyOrElseTheTopic()
    {
        var patches = new List<DesiredPropertiesPatch>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await ClientFactory.OpenAsync(ClientFactory.Options(_broker.Port), c => c.SetDesiredPropertiesHandlerAsync(
            (patch, _) =>
            {
                patches.Add(patch);
                if (patches.Count == 3)
                {
                    all.TrySetResult();
                }

                return Task.CompletedTask;
            },
            TestContext.Current.CancellationToken));
        using var hub = await RawMqttClient.ConnectAsync(_broker.Port);

        await hub.PublishAsync("$iothub/twin/PATCH/properties/desired/?$version=8", "{\"TimeToLiveSecs\":60,\"$version\":8}", 0);
        await hub.PublishAsync("$iothub/twin/PATCH/properties/desired/?$version=9", "{\"TimeToLiveSecs\":90}", 0);
        await hub.PublishAsync("$iothub/twin/PATCH/properties/desired/", "{\"TimeToLiveSecs\":120}", 0);

        await all.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal([8L, 9L, null], patches.Select(p => p.Version));
        Assert.Equal([60, 90, 120], patches.Select(p => p.Properties["TimeToLiveSecs"]!.GetValue<int>()));
    }
}
