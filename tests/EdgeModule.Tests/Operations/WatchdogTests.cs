using EdgeModule.Operations;
using EdgeModule.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeModule.Tests.Operations;

public sealed class WatchdogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Observe_PendingWithoutProgressPastTheTimeout_Stalls()
    {
        var watch = new ProgressWatch("pump", TimeSpan.FromSeconds(10));
        Assert.False(watch.Observe(T0, 5, pending: true));
        Assert.False(watch.Observe(T0.AddSeconds(10), 5, pending: true));
        Assert.True(watch.Observe(T0.AddSeconds(11), 5, pending: true));
        Assert.Equal(TimeSpan.FromSeconds(11), watch.StalledFor);
    }

    [Fact]
    public void Observe_MarkerMoves_RestartsTheClock()
    {
        var watch = new ProgressWatch("pump", TimeSpan.FromSeconds(10));
        watch.Observe(T0, 5, pending: true);
        Assert.False(watch.Observe(T0.AddSeconds(9), 6, pending: true));
        Assert.False(watch.Observe(T0.AddSeconds(18), 6, pending: true));
        Assert.True(watch.Observe(T0.AddSeconds(20), 6, pending: true));
    }

    [Fact]
    public void Observe_NothingPending_NeverStalls()
    {
        var watch = new ProgressWatch("cleanup", TimeSpan.FromSeconds(10));
        watch.Observe(T0, 5, pending: true);
        Assert.False(watch.Observe(T0.AddSeconds(60), 5, pending: false));
        Assert.False(watch.Observe(T0.AddSeconds(65), 5, pending: true));
        Assert.Equal(TimeSpan.FromSeconds(5), watch.StalledFor);
    }

    [Fact]
    public async Task Pump_UpstreamConnectedButSilent_StopsTheModuleWithExitCodeFour()
    {
        using var env = new ModuleEnvironment(upstreamRunning: true);
        await using var host = OperationsHost.CreateOnRealClock(env, ("WatchdogTimeoutSecs", "2"));
        await host.StartAsync();
        await host.Log.WaitForLineAsync("Watchdog on: no progress for 2 s");
        using var upstream = await MqttTestClient.ConnectAsync(env.Upstream.Port);
        await upstream.SubscribeAsync("#");
        await host.PublishAsync(0, 1);
        await ModuleEnvironment.ReceiveAllAsync(upstream, new HashSet<int> { 0 });

        // A frozen upstream keeps its TCP connection (the keep-alive has not run out) but acknowledges nothing.
        env.Upstream.Pause();
        try
        {
            await host.PublishAsync(1, 5);
            var line = await host.Log.WaitForLineAsync("Watchdog: the pump forwarded nothing for");
            Assert.Matches(@"[1-4] messages wait and the upstream is connected", line); // how many arrived before the watchdog looked
            AssertStoppedByTheWatchdog(host);
        }
        finally
        {
            env.Upstream.Resume();
        }
    }

    [Fact]
    public async Task InputDispatch_DurableAcknowledgementsNeverComeOnAFullBackupDisk_StopsTheModuleWithExitCodeFour()
    {
        using var mount = TmpfsMount.TryCreate("1m", out var reason);
        Assert.SkipWhen(mount is null, reason);
        using var env = new ModuleEnvironment(upstreamRunning: false);
        await using var host = OperationsHost.CreateOnRealClock(env,
            ("BackupFolder", mount!.Path), ("CheckpointIntervalMs", "100"), ("AcknowledgeAfterCheckpoint", "true"), ("WatchdogTimeoutSecs", "2"));
        await host.StartAsync();

        // 1 MiB of backup disk: the journal's appends fail once it is full, so the inputs' acknowledgements wait for a
        // delta that never reaches the disk, and the broker's messages stay with it (nothing acknowledged is lost).
        await host.PublishAsync(0, 600, padding: 4000);
        var line = await host.Log.WaitForLineAsync("Watchdog: the input dispatch settled no message for");

        Assert.Matches(@"\d+ wait for the store", line);
        AssertStoppedByTheWatchdog(host);
    }

    [Fact]
    public async Task StoreWrites_RocksDbOnAFullDisk_StopsTheModuleWithExitCodeFour()
    {
        using var mount = TmpfsMount.TryCreate("8m", out var reason);
        Assert.SkipWhen(mount is null, reason);
        using var env = new ModuleEnvironment(upstreamRunning: false);
        await using var host = OperationsHost.CreateOnRealClock(env,
            ("UsePersistentStorage", "true"), ("StorageFolder", mount!.Path), ("WatchdogTimeoutSecs", "2"));
        await host.StartAsync();

        // 8 MiB of disk for RocksDB: once a write fails it refuses every later one until it is reopened.
        await host.PublishAsync(0, 3000, padding: 4000);
        await host.Log.WaitForLineAsync("No space left on device");
        var line = await host.Log.WaitForLineAsync("Watchdog: the store has refused every message for");

        Assert.Contains("a restart reopens it", line, StringComparison.Ordinal);
        AssertStoppedByTheWatchdog(host);
    }

    [Fact]
    public async Task Start_WatchdogTimeoutZero_IsOff()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        await using var host = OperationsHost.CreateOnRealClock(env, ("WatchdogTimeoutSecs", "0"));
        await host.StartAsync();
        await host.Log.WaitForLineAsync("Watchdog off \\(WatchdogTimeoutSecs=0\\)");
    }

    /// <summary>The watchdog asked the host to stop and set exit code 4.</summary>
    private static void AssertStoppedByTheWatchdog(OperationsHost host)
    {
        Assert.True(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.Equal(WatchdogService.ExitCode, host.Services.GetRequiredService<ModuleExitCode>().Value);
    }
}
