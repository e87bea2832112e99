using EdgeModule.Backup;
using EdgeModule.Messaging;
using EdgeModule.Storage.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using EdgeModule.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EdgeModule.Tests.Hosting;

/// <summary>
/// The module's hosted services in process, composed as Program.cs composes them (AddEdgeModule), with a fake clock
/// and a real mosquitto for the inputs (the upstream is the inputs connection's outputs).
/// </summary>
public sealed class ModuleHostTests : IDisposable
{
    private readonly ModuleEnvironment _env = new(upstreamRunning: false);
    private readonly LogCapture _log = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow); // now: messages written on it must not have expired for a host on the system clock

    private string BackupFolder => _env.BackupFolder;

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Start_WithABackup_RestoresBeforeTheInputsAccept()
    {
        var generation = WriteBackupOfMessages(3);
        using var host = Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        await _log.WaitForLineAsync("Accepting messages on inputs");
        Assert.True(_log.IndexOf($"Restored backup generation {generation.Number}") < _log.IndexOf("Accepting messages on inputs"));

        // Counted at the restore: the pump may deliver them (through the same broker) as soon as it starts.
        await _log.WaitForLineAsync($@"Restored backup generation {generation.Number} from .*: 3 messages");
        Assert.True(File.Exists(generation.Path + ".restored"));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Start_StopRequestedBeforeTheRestore_CancelsAndLeavesTheBackupUnmarked()
    {
        var generation = WriteBackupOfMessages(3);
        using var host = Build();

        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.False(File.Exists(generation.Path + ".restored"));
        Assert.Equal(-1, _log.IndexOf("Accepting messages on inputs"));
    }

    [Fact]
    public async Task Stop_BackupDeadlineAlreadyPassed_ExitCodeThreeAndThePreviousGenerationStays()
    {
        var generation = WriteBackupOfMessages(3);
        using var host = Build(fakeClock: true);
        await host.StartAsync(TestContext.Current.CancellationToken);
        await _log.WaitForLineAsync("Accepting messages on inputs");

        // Shutdown begins now; the clock then jumps past ShutdownWaitPeriod before the backup gets its turn.
        var deadline = host.Services.GetRequiredService<ShutdownDeadline>();
        deadline.MarkBegan();
        _time.Advance(TimeSpan.FromSeconds(ModuleOptions.DefaultShutdownWaitSeconds));
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ModuleExitCode.BackupFailed, host.Services.GetRequiredService<ModuleExitCode>().Value);
        Assert.Contains(_log.Lines, l => l.StartsWith("[Error] Backup FAILED", StringComparison.Ordinal));
        Assert.Equal([generation.Path], Directory.GetFiles(BackupFolder, "*.ebk"));
    }

    [Fact]
    public async Task Stop_InTime_WritesANewGenerationWithTheStore()
    {
        WriteBackupOfMessages(2);
        using var host = Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        await _log.WaitForLineAsync("Accepting messages on inputs");

        // Stop once connected: the stop order is what this test reads, not a connection cut short while it comes up.
        await _log.WaitForLineAsync("MQTT client d/m connected");
        await host.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, host.Services.GetRequiredService<ModuleExitCode>().Value);
        // The upstream is the inputs connection to a running broker: the pump may forward the two restored messages
        // before the inputs close (it did once more hosted services started), so the count is not asserted.
        await _log.WaitForLineAsync(@"Backup generation 2 written to .*: \d+ bytes, \d+ messages");
        Assert.True(_log.IndexOf("Inputs closed") < _log.IndexOf("Pump stopped"));
        Assert.True(_log.IndexOf("Pump stopped") < _log.IndexOf("Backup generation 2 written"));
        Assert.True(_log.IndexOf("Backup generation 2 written") < _log.IndexOf("Store closed."));
    }

    /// <summary>
    /// The host on the fake clock (<paramref name="fakeClock"/>) or the system's. The fake one also drives the
    /// transport's reconnect backoff and close waits and the pump's grace, which then never run out by themselves:
    /// only a test that moves the clock itself uses it.
    /// </summary>
    private IHost Build(string checkpointIntervalMs = "0", bool fakeClock = false)
    {
        var options = ModuleOptions.Bind(new Dictionary<string, string?>
        {
            ["UsePersistentStorage"] = "false",
            ["EnableNonPersistentStorageBackup"] = "true",
            ["BackupFolder"] = BackupFolder,
            ["MqttHost"] = "127.0.0.1",
            ["MqttPort"] = _env.Receiving.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MqttDeviceId"] = "d",
            ["MqttModuleId"] = "m",
            ["CheckpointIntervalMs"] = checkpointIntervalMs,
            ["MetricsPort"] = "0",
        });
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(_log);
        builder.Services.AddEdgeModule(options, fakeClock ? _time : TimeProvider.System);
        var host = builder.Build();
        _ = host.Services.GetRequiredService<ShutdownDeadline>();
        return host;
    }

    private BackupGeneration WriteBackupOfMessages(int count)
    {
        Directory.CreateDirectory(BackupFolder);
        using var store = new InMemoryStore();
        using (var messages = new MessageStore(store, new MessageStoreOptions(), _time))
        {
            for (var i = 0; i < count; i++)
            {
                messages.Enqueue("input1", new EdgeMessage(new byte[] { (byte)i }));
            }
        }

        var manager = new BackupManager(new BackupOptions { Folder = BackupFolder }, _time);
        manager.Backup(store, cancellationToken: TestContext.Current.CancellationToken);
        return manager.ListGenerations()[^1];
    }
}
