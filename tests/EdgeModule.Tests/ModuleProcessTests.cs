using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests;

/// <summary>The built module as a child process: real environment, real signals, its startup and shutdown lines.</summary>
public sealed class ModuleProcessTests
{
    public static TheoryData<string, string> InvalidSettings => new()
    {
        { "UsePersistentStorage", "perhaps" },
        { "EnableNonPersistentStorageBackup", "yes" },
        { "ShutdownWaitPeriod", "20s" },
        { "ShutdownWaitPeriod", "0" },
        { "TimeToLiveSecs", "-1" },
        { "MessageCleanupIntervalSecs", "often" },
        { "MaxStoreSizeBytes", "10MB" },
        { "Routes", "input1" },
        { "Routes", "input1=out put" },
        { "RuntimeLogLevel", "loud" },
        { "MqttPort", "http" },
        { "UpstreamMqttPort", "99999" },
        { "SimulatedSensorIntervalMs", "fast" },
        { "RocksDB_Compression", "gzip" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Module_InvalidSetting_ExitsNonZeroWithOneLineNamingIt(string variable, string value)
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        using var module = ModuleProcess.Start(env.Variables(extra: [(variable, value)]));
        await module.WaitForExitAsync(TestTimeouts.Signal);

        Assert.NotEqual(0, module.ExitCode);
        var line = Assert.Single(module.Lines, l => l.Length > 0);
        Assert.StartsWith("<3> ", line, StringComparison.Ordinal);
        Assert.Contains(variable, line, StringComparison.Ordinal);
        Assert.Contains(value, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_UnwritableBackupFolder_ExitsNonZeroNamingIt()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var file = Path.Combine(env.Folder, "a-file");
        await File.WriteAllTextAsync(file, "not a folder", TestContext.Current.CancellationToken);
        using var module = ModuleProcess.Start(env.Variables(extra: [("BackupFolder", Path.Combine(file, "backup"))]));
        await module.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal(2, module.ExitCode);
        var line = Assert.Single(module.Lines, l => l.Length > 0);
        Assert.Contains($"BackupFolder='{Path.Combine(file, "backup")}'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_NoConnectionSettings_ExitsNonZeroNamingThem()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables();
        variables.Remove("MqttHost");
        using var module = ModuleProcess.Start(variables);
        await module.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal(2, module.ExitCode);
        Assert.Contains("MqttHost", Assert.Single(module.Lines, l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_Sigterm_StopsInLifecycleOrderAndExitsZero()
    {
        using var env = new ModuleEnvironment();
        using var module = await ModuleProcess.StartConnectedAsync(env.Variables(persistent: true));
        await module.WaitForLineAsync("Application started");

        module.Signal(ModuleProcess.SigTerm);
        await module.WaitForExitAsync(TimeSpan.FromSeconds(ModuleEnvironment.ShutdownWaitSeconds));

        Assert.Equal(0, module.ExitCode);
        var lines = module.Lines;
        int IndexOf(string text) => lines.ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(IndexOf("Shutdown began") < IndexOf("Inputs closed"));
        Assert.True(IndexOf("Inputs closed") < IndexOf("Pump stopped; checkpoints committed"));
        Assert.True(IndexOf("Pump stopped; checkpoints committed") < IndexOf("Store closed."));
        Assert.Matches(@"^<6> \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[INF\] - Store closed\.$", lines[IndexOf("Store closed.")]);
        Assert.True(File.Exists(Path.Combine(env.StorageFolder, "rocksdb", "CURRENT")));
    }

    [Fact]
    public async Task Module_SimulatedSensor_ReadingsFlowThroughBrokerToUpstream()
    {
        using var env = new ModuleEnvironment();
        using var upstream = await MqttTestClient.ConnectAsync(env.Upstream.Port);
        await upstream.SubscribeAsync($"devices/{ModuleEnvironment.DeviceId}/modules/+/messages/events/#");
        using var module = await ModuleProcess.StartConnectedAsync(env.Variables(extra: [("SimulatedSensorIntervalMs", "20"), ("SimulatedSensorMessageCount", "5")]));

        for (var i = 1; i <= 5; i++)
        {
            var message = await upstream.NextAsync(TestTimeouts.Signal);
            Assert.Equal("SimulatedSensor", message.Properties["source"]);
            Assert.Contains("\"machine\":{\"temperature\":", message.ToString(), StringComparison.Ordinal);
        }
    }
}
