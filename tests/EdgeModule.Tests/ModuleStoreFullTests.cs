using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests;

/// <summary>
/// Store full: the module refuses messages without acknowledging them (it aborts the connection before the PUBACK),
/// so the broker keeps them; once the upstream drains the store they arrive, none lost.
/// </summary>
public sealed class ModuleStoreFullTests
{
    [Fact]
    public async Task Module_StoreFull_MessagesNotAcknowledgedAndDeliveredLater()
    {
        const int count = 150;
        const int padding = 1000;
        using var env = new ModuleEnvironment();
        using var upstream = await MqttTestClient.ConnectAsync(env.Upstream.Port);
        await upstream.SubscribeAsync($"devices/{ModuleEnvironment.DeviceId}/modules/+/messages/events/#");
        var variables = env.Variables(extra: [("MaxStoreSizeBytes", "40000"), ("MessageCleanupIntervalSecs", "1")]);
        using var module = await ModuleProcess.StartConnectedAsync(variables);
        using var producer = await MqttTestClient.ConnectAsync(env.Receiving.Port);

        // The upstream hangs (paused, not gone, so the test's subscription is in place before anything is forwarded):
        // nothing is delivered, so the store fills. The broker acknowledges all of them to the producer; the module
        // can store about 35.
        env.Upstream.Pause();
        try
        {
            await env.PublishAsync(producer, 0, count, padding);
            await module.WaitForLineAsync("Message store full");
        }
        finally
        {
            env.Upstream.Resume();
        }

        // Every one arrives: the refused ones were redelivered by the broker, so none was acknowledged and dropped.
        await ModuleEnvironment.ReceiveAllAsync(upstream, Enumerable.Range(0, count).ToHashSet(), padding);
        await module.WaitForLineAsync("Message store accepts messages again");

        // Logged once per state change, not once per refused message.
        var fullLines = module.Lines.Count(l => l.Contains("Message store full", StringComparison.Ordinal));
        Assert.InRange(fullLines, 1, 10);
    }
}
