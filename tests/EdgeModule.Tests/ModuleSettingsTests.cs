using System.Collections;
using EdgeModule.Messaging;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule.Tests;

public sealed class ModuleSettingsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-modulesettings-");

    public void Dispose() => _folder.Delete(recursive: true);

    private ModuleSettings Read(params (string Name, string Value)[] variables)
    {
        var env = new Hashtable { ["StorageFolder"] = _folder.FullName, ["MqttHost"] = "127.0.0.1", ["MqttDeviceId"] = "d", ["MqttModuleId"] = "m" };
        foreach (var (name, value) in variables)
        {
            env[name] = value;
        }

        return ModuleSettings.FromEnvironment(env);
    }

    [Fact]
    public void FromEnvironment_Defaults_FitTheIotEdgeStopAndIotEdgeNames()
    {
        var s = Read();
        Assert.Equal(TimeSpan.FromSeconds(20), s.ShutdownWaitPeriod);
        Assert.Equal(TimeSpan.FromSeconds(2), s.ShutdownSafetyMargin);
        Assert.False(s.Backup.Requested);
        Assert.False(s.Backup.Enabled);
        Assert.Equal(Path.Combine(_folder.FullName, "backup"), s.Backup.Folder);
        Assert.Equal(TimeSpan.FromSeconds(7200), s.Messaging.TimeToLive);
        Assert.Equal(MessageStoreOptions.DefaultCleanupInterval, s.Messaging.CleanupInterval);
        Assert.Equal("input1=output1", s.Messaging.Routes.ToString());
        Assert.Null(s.Transport.Upstream);
        Assert.Equal(TransportMode.Broker, s.Transport.Inputs.Mode);
        Assert.False(s.Sensor.Enabled);
    }

    [Fact]
    public void FromEnvironment_BackupRequestedWithPersistentStorage_IsIgnored()
    {
        var s = Read(("EnableNonPersistentStorageBackup", "true"));
        Assert.True(s.Backup.IgnoredBecausePersistent);
        Assert.False(s.Backup.Enabled);
    }

    [Fact]
    public void FromEnvironment_InMemoryWithBackup_CreatesBackupFolder()
    {
        var folder = Path.Combine(_folder.FullName, "b", "c");
        var s = Read(("UsePersistentStorage", "false"), ("EnableNonPersistentStorageBackup", "true"), ("BackupFolder", folder));
        Assert.True(s.Backup.Enabled);
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void FromEnvironment_UpstreamPrefix_GivesASeparateUpstreamClient()
    {
        var s = Read(("UpstreamMqttHost", "10.0.0.1"), ("UpstreamMqttPort", "1884"), ("UpstreamMqttDeviceId", "d"), ("UpstreamMqttModuleId", "up"));
        Assert.NotNull(s.Transport.Upstream);
        Assert.Equal("10.0.0.1", s.Transport.Upstream.Host);
        Assert.Equal(1884, s.Transport.Upstream.Port);
    }

    [Fact]
    public void FromEnvironment_ShortShutdownWait_MarginAtLeastOneSecond()
    {
        var s = Read(("ShutdownWaitPeriod", "5"));
        Assert.Equal(TimeSpan.FromSeconds(1), s.ShutdownSafetyMargin);
    }

    [Theory]
    [InlineData("ShutdownWaitPeriod", "1")]
    [InlineData("ShutdownWaitPeriod", "3601")]
    [InlineData("TimeToLiveSecs", "0")]
    [InlineData("MessageCleanupIntervalSecs", "1.5")]
    [InlineData("Routes", ";")]
    [InlineData("Routes", "a=b;a=c")]
    [InlineData("SimulatedSensorIntervalMs", "-1")]
    [InlineData("EnableNonPersistentStorageBackup", "1")]
    [InlineData("StatsIntervalSecs", "x")]
    public void FromEnvironment_InvalidValue_NamesVariableAndValue(string variable, string value)
    {
        var e = Assert.Throws<SettingsException>(() => Read((variable, value)));
        Assert.Contains($"{variable}='{value}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SensorWithIotEdge_IsRefused()
    {
        var env = new Hashtable
        {
            ["StorageFolder"] = _folder.FullName,
            ["EdgeHubConnectionString"] = "HostName=h.azure-devices.net;DeviceId=d;ModuleId=m;SharedAccessKey=" + Convert.ToBase64String(new byte[32]),
            ["SimulatedSensorIntervalMs"] = "1000",
        };
        var e = Assert.Throws<SettingsException>(() => ModuleSettings.FromEnvironment(env));
        Assert.Contains("SimulatedSensorIntervalMs='1000'", e.Message, StringComparison.Ordinal);
    }
}
