using System.Text.Json.Nodes;
using EdgeModule.Messaging;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using EdgeModule.Store;
using EdgeModule.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeModule.Tests.Operations;

/// <summary>
/// Twin configuration through a real mosquitto, a raw client playing the hub's twin service: desired properties
/// applied where they act and acknowledged as <c>{value, ac, av, ad}</c>, bad ones answered 400 and ignored, the
/// module's state in the reported properties.
/// </summary>
public sealed class TwinTests : IDisposable
{
    private readonly ModuleEnvironment _env = new(upstreamRunning: false);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Start_TwinSetsTimeToLive_AppliedAndAcknowledged_OthersReportedFromTheEnvironment()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port, new JsonObject { ["TimeToLiveSecs"] = 600, ["$version"] = 4 });
        await using var host = await StartAsync(hub);

        var first = await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));

        AssertAck(first["TimeToLiveSecs"], 600, 200, 4);
        Assert.Equal(TimeSpan.FromSeconds(600), host.Services.GetRequiredService<MessageStore>().TimeToLive);
        AssertAck(first["StatsIntervalSecs"], 1, 203, 4); // ModuleEnvironment sets 1
        AssertAck(first["MaxStoreSizeBytes"], ModuleStorageOptions.DefaultMaxStoreSizeBytes, 203, 4);
        AssertAck(first["CheckpointIntervalMs"], 0, 203, 4);
        var state = hub.Reported["moduleState"]!;
        Assert.Equal("memory", (string?)state["mode"]);
        Assert.Equal(ModuleStorageOptions.DefaultMaxStoreSizeBytes, (long?)state["maxBytes"]);
        await host.Log.WaitForLineAsync("Twin configuration ready: desired version 4 applied");
    }

    [Fact]
    public async Task Patch_ValidValues_EachAppliedWhereItActs()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub);
        await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));

        var version = await hub.PatchAsync(new JsonObject
        {
            ["StatsIntervalSecs"] = 5,
            ["MessageCleanupIntervalSecs"] = "7",
            ["MaxStoreSizeBytes"] = 1_000_000,
            ["TimeToLiveSecs"] = 60,
        });
        var acks = await hub.WaitForReportAsync(p => p["StatsIntervalSecs"] is JsonObject a && (long?)a["av"] == version);

        AssertAck(acks["StatsIntervalSecs"], 5, 200, version);
        AssertAck(acks["MessageCleanupIntervalSecs"], 7, 200, version);
        AssertAck(acks["MaxStoreSizeBytes"], 1_000_000, 200, version);
        AssertAck(acks["TimeToLiveSecs"], 60, 200, version);
        var messages = host.Services.GetRequiredService<MessageStore>();
        Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<StatsSchedule>().Interval);
        Assert.Equal(TimeSpan.FromSeconds(7), messages.CleanupInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), messages.TimeToLive);
        Assert.Equal(1_000_000, messages.MaxStoreBytes);
        Assert.Equal(2_000_000, ((InMemoryStore)host.Services.GetRequiredService<IKeyValueStore>()).MemoryLimitBytes);
        await host.Log.WaitForLineAsync("Twin: TimeToLiveSecs 7200 -> 60");
        Assert.Equal(1_000_000, (long?)hub.Reported["moduleState"]!["maxBytes"]);
    }

    [Fact]
    public async Task Patch_MaxStoreSizeBytesBelowWhatIsStored_RefusesTheNextMessageAndKeepsTheStored()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub);
        await host.PublishAsync(0, 3, padding: 2000);
        var version = await hub.PatchAsync(new JsonObject { ["MaxStoreSizeBytes"] = 1000 });
        await hub.WaitForAckAsync("MaxStoreSizeBytes", version);

        var messages = host.Services.GetRequiredService<MessageStore>();
        Assert.Throws<MessageStoreFullException>(() => messages.Enqueue("input1", new EdgeMessage(new byte[10])));
        Assert.Equal(3, messages.GetStats().MessageCount);

        var back = await hub.PatchAsync(new JsonObject { ["MaxStoreSizeBytes"] = 0 });
        AssertAck(await hub.WaitForAckAsync("MaxStoreSizeBytes", back), 0, 200, back);
        messages.Enqueue("input1", new EdgeMessage(new byte[10]));
        Assert.Equal(long.MaxValue, messages.MaxStoreBytes);
        Assert.Equal(0, ((InMemoryStore)host.Services.GetRequiredService<IKeyValueStore>()).MemoryLimitBytes);
    }

    [Theory]
    [InlineData("TimeToLiveSecs", "0", 7200)]
    [InlineData("TimeToLiveSecs", "-5", 7200)]
    [InlineData("TimeToLiveSecs", "1.5", 7200)]
    [InlineData("TimeToLiveSecs", "\"soon\"", 7200)]
    [InlineData("TimeToLiveSecs", "true", 7200)]
    [InlineData("MessageCleanupIntervalSecs", "{\"value\":5}", 30)]
    [InlineData("StatsIntervalSecs", "86401", 1)]
    [InlineData("MaxStoreSizeBytes", "[1]", ModuleStorageOptions.DefaultMaxStoreSizeBytes)]
    [InlineData("MaxStoreSizeBytes", "-1", ModuleStorageOptions.DefaultMaxStoreSizeBytes)]
    public async Task Patch_InvalidValue_Answered400_ValueInEffectUnchanged(string name, string json, long current)
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub);
        await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));

        var version = await hub.PatchAsync(new JsonObject { [name] = JsonNode.Parse(json) });
        var ack = await hub.WaitForAckAsync(name, version);

        AssertAck(ack, current, 400, version);
        Assert.Contains("use a whole number from", (string?)ack["ad"], StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(7200), host.Services.GetRequiredService<MessageStore>().TimeToLive);
        await host.Log.WaitForLineAsync($"Twin: {name}=");
    }

    [Fact]
    public async Task Patch_EnvironmentOnlySetting_Answered400NamingTheRestart_UnknownNamesIgnored()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub);
        await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));

        var version = await hub.PatchAsync(new JsonObject { ["UsePersistentStorage"] = true, ["somethingElse"] = 1 });
        var acks = await hub.WaitForReportAsync(p => p.ContainsKey("UsePersistentStorage"));

        Assert.Equal(400, (int?)acks["UsePersistentStorage"]!["ac"]);
        Assert.Equal(version, (long?)acks["UsePersistentStorage"]!["av"]);
        Assert.Contains("restart", (string?)acks["UsePersistentStorage"]!["ad"], StringComparison.Ordinal);
        Assert.False(acks.ContainsKey("somethingElse"));
    }

    [Fact]
    public async Task Patch_NullAfterAValue_BackToTheEnvironmentsValue_OlderVersionIgnored()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub, ("TimeToLiveSecs", "900"));
        await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));
        var messages = host.Services.GetRequiredService<MessageStore>();

        var set = await hub.PatchAsync(new JsonObject { ["TimeToLiveSecs"] = 120 });
        await hub.WaitForAckAsync("TimeToLiveSecs", set);
        Assert.Equal(TimeSpan.FromSeconds(120), messages.TimeToLive);

        // An older patch (delivered late) changes nothing and is not answered; the next one is.
        await hub.PatchAsync(new JsonObject { ["TimeToLiveSecs"] = 5 }, version: set - 1);
        var removed = await hub.PatchAsync(new JsonObject { ["TimeToLiveSecs"] = null });
        var ack = await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));

        AssertAck(ack["TimeToLiveSecs"], 900, 200, removed);
        Assert.Equal(TimeSpan.FromSeconds(900), messages.TimeToLive);
    }

    [Fact]
    public async Task CheckpointIntervalMs_JournalRunning_Applied_ZeroRefused()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub, ("CheckpointIntervalMs", "1000"));
        await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));
        var journal = host.Services.GetRequiredService<ModuleJournal>().Journal!;

        var set = await hub.PatchAsync(new JsonObject { ["CheckpointIntervalMs"] = 250 });
        AssertAck(await hub.WaitForAckAsync("CheckpointIntervalMs", set), 250, 200, set);
        Assert.Equal(TimeSpan.FromMilliseconds(250), journal.CheckpointInterval);

        var off = await hub.PatchAsync(new JsonObject { ["CheckpointIntervalMs"] = 0 });
        var refused = await hub.WaitForAckAsync("CheckpointIntervalMs", off);
        AssertAck(refused, 250, 400, off);
        Assert.Contains("restart", (string?)refused["ad"], StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(250), journal.CheckpointInterval);
        Assert.Equal("memory+journal", (string?)hub.Reported["moduleState"]!["mode"]);
    }

    [Fact]
    public async Task CheckpointIntervalMs_JournalOff_Refused()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub);
        await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));

        var version = await hub.PatchAsync(new JsonObject { ["CheckpointIntervalMs"] = 500 });
        var ack = await hub.WaitForAckAsync("CheckpointIntervalMs", version);

        AssertAck(ack, 0, 400, version);
        Assert.Contains("the journal is not running", (string?)ack["ad"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconnection_TwinReadAgain_ChangesMissedMeanwhileApplied()
    {
        using var hub = await TwinHub.ConnectAsync(_env.Receiving.Port);
        await using var host = await StartAsync(hub);
        await hub.WaitForReportAsync(p => p.ContainsKey("TimeToLiveSecs"));

        // A change the module never saw as a patch: only the next GET brings it.
        hub.Desired["TimeToLiveSecs"] = 300;
        hub.Desired["$version"] = 9;
        using (await MqttTestClient.ConnectAsync(_env.Receiving.Port, $"{ModuleEnvironment.DeviceId}/{ModuleEnvironment.ModuleId}"))
        {
            // The broker drops the module's session for this one; the module connects again once it is gone.
        }

        var ack = await hub.WaitForAckAsync("TimeToLiveSecs", 9);

        AssertAck(ack, 300, 200, 9);
        Assert.True(hub.Gets >= 2, $"{hub.Gets} twin reads");
        Assert.Equal(TimeSpan.FromSeconds(300), host.Services.GetRequiredService<MessageStore>().TimeToLive);
    }

    private static void AssertAck(JsonNode? ack, long value, int code, long version)
    {
        Assert.NotNull(ack);
        Assert.Equal(value, (long?)ack["value"]);
        Assert.Equal(code, (int?)ack["ac"]);
        Assert.Equal(version, (long?)ack["av"]);
        Assert.False(string.IsNullOrEmpty((string?)ack["ad"]));
    }

    private async Task<OperationsHost> StartAsync(TwinHub hub, params (string Name, string Value)[] extra)
    {
        _ = hub;
        var host = OperationsHost.CreateOnRealClock(_env, extra);
        await host.StartAsync();
        return host;
    }
}
