using EdgeModule.Messaging;
using EdgeModule.Storage.RocksDb;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule.Tests;

public sealed class ModuleOptionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-options-");

    public void Dispose() => _folder.Delete(recursive: true);

    private ModuleOptions Read(params (string Name, string Value)[] variables)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["StorageFolder"] = _folder.FullName, ["MqttHost"] = "127.0.0.1", ["MqttDeviceId"] = "d", ["MqttModuleId"] = "m",
        };
        foreach (var (name, value) in variables)
        {
            env[name] = value;
        }

        return ModuleOptions.Bind(env);
    }

    [Fact]
    public void Bind_Defaults_FitTheIotEdgeStopAndIotEdgeNames()
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
        Assert.True(s.Storage.UsePersistentStorage);
        Assert.Equal(ModuleStorageOptions.DefaultMaxStoreSizeBytes, s.Storage.MaxStoreSizeBytes);
        Assert.Equal(RocksDbStoreOptions.DefaultMaxTotalWalSizeBytes, s.Storage.RocksDbMaxTotalWalSize);
        Assert.Equal(RocksDbStoreOptions.DefaultMaxOpenFiles, s.Storage.RocksDbMaxOpenFiles);
        Assert.Equal(RocksDbStoreOptions.DefaultMaxWriteBufferNumber, s.Storage.RocksDbMaxWriteBufferNumber);
        Assert.Equal(RocksDbCompression.Lz4, s.Storage.RocksDbCompression);
        Assert.False(s.Storage.RocksDbEnableInfoLog);
    }

    [Fact]
    public void Bind_NoStorageFolder_UsesTheDocumentedDefault()
    {
        var s = ModuleOptions.Bind(new Dictionary<string, string?> { ["MqttHost"] = "127.0.0.1", ["MqttDeviceId"] = "d", ["MqttModuleId"] = "m" });
        Assert.True(s.Storage.StorageFolderIsDefault);
        Assert.Equal(ModuleStorageOptions.DefaultStorageFolder, s.Storage.StorageFolder);
    }

    [Fact]
    public void Bind_ValidValues_AreParsed()
    {
        var s = Read(
            ("UsePersistentStorage", "FALSE"),
            ("MaxStoreSizeBytes", "1048576"),
            ("RocksDB_MaxTotalWalSize", "2097152"),
            ("RocksDB_MaxOpenFiles", "-1"),
            ("RocksDB_MaxWriteBufferNumber", "4"),
            ("RocksDB_Compression", "ZSTD"),
            ("RocksDB_EnableInfoLog", "True"));
        Assert.False(s.Storage.UsePersistentStorage);
        Assert.Equal(1048576, s.Storage.MaxStoreSizeBytes);
        Assert.Equal(2097152, s.Storage.RocksDbMaxTotalWalSize);
        Assert.Equal(-1, s.Storage.RocksDbMaxOpenFiles);
        Assert.Equal(4, s.Storage.RocksDbMaxWriteBufferNumber);
        Assert.Equal(RocksDbCompression.Zstd, s.Storage.RocksDbCompression);
        Assert.True(s.Storage.RocksDbEnableInfoLog);
    }

    [Fact]
    public void Bind_TouchesNoDisk()
    {
        var folder = Path.Combine(_folder.FullName, "b", "c");
        var s = Read(("UsePersistentStorage", "false"), ("EnableNonPersistentStorageBackup", "true"), ("BackupFolder", folder));
        Assert.True(s.Backup.Enabled);
        Assert.False(Directory.Exists(folder)); // ModuleFolders creates it at start, not the options
    }

    [Fact]
    public void Bind_BackupRequestedWithPersistentStorage_IsIgnored()
    {
        var s = Read(("EnableNonPersistentStorageBackup", "true"));
        Assert.True(s.Backup.IgnoredBecausePersistent);
        Assert.False(s.Backup.Enabled);
    }

    [Fact]
    public void Bind_UpstreamPrefix_GivesASeparateUpstreamClient()
    {
        var s = Read(("UpstreamMqttHost", "10.0.0.1"), ("UpstreamMqttPort", "1884"), ("UpstreamMqttDeviceId", "d"), ("UpstreamMqttModuleId", "up"));
        Assert.NotNull(s.Transport.Upstream);
        Assert.Equal("10.0.0.1", s.Transport.Upstream.Host);
        Assert.Equal(1884, s.Transport.Upstream.Port);
    }

    [Fact]
    public void Bind_UpstreamOnTheSameBrokerWithTheSameClientId_IsRefusedNamingBothVariables()
    {
        var e = Assert.Throws<SettingsException>(() => Read(("UpstreamMqttHost", "127.0.0.1"), ("UpstreamMqttDeviceId", "d"), ("UpstreamMqttModuleId", "m")));
        var line = Assert.Single(e.Errors);
        Assert.Contains("MqttClientId", line, StringComparison.Ordinal);
        Assert.Contains("UpstreamMqttClientId", line, StringComparison.Ordinal);
        Assert.Contains("'d/m'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_UpstreamOnTheSameBrokerWithItsOwnClientId_IsAccepted()
    {
        var s = Read(("UpstreamMqttHost", "127.0.0.1"), ("UpstreamMqttDeviceId", "d"), ("UpstreamMqttModuleId", "m"), ("UpstreamMqttClientId", "d/m-up"));
        Assert.Equal("d/m-up", s.Transport.Upstream!.EffectiveClientId);
    }

    [Fact]
    public void Bind_ShortShutdownWait_MarginAtLeastOneSecond()
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
    [InlineData("SimulatedSensorInput", "no/such")]
    [InlineData("SimulatedSensorInput", "input9")]
    [InlineData("EnableNonPersistentStorageBackup", "1")]
    [InlineData("StatsIntervalSecs", "x")]
    [InlineData("UsePersistentStorage", "yes")]
    [InlineData("UsePersistentStorage", "1")]
    [InlineData("MaxStoreSizeBytes", "-5")]
    [InlineData("MaxStoreSizeBytes", "10MB")]
    [InlineData("RocksDB_MaxTotalWalSize", "1")]
    [InlineData("RocksDB_MaxOpenFiles", "5")]
    [InlineData("RocksDB_MaxOpenFiles", "many")]
    [InlineData("RocksDB_MaxWriteBufferNumber", "1")]
    [InlineData("RocksDB_MaxWriteBufferNumber", "17")]
    [InlineData("RocksDB_MaxWriteBufferNumber", "three")]
    [InlineData("RocksDB_Compression", "gzip")]
    [InlineData("RocksDB_Compression", "1")]
    [InlineData("RocksDB_Compression", "snappy,lz4")]
    [InlineData("RocksDB_Compression", "lz4, zstd")]
    [InlineData("RocksDB_EnableInfoLog", "on")]
    [InlineData("StorageFolder", "relative/folder")]
    [InlineData("BackupFolder", "backup")]
    [InlineData("RuntimeLogLevel", "trace")]
    public void Bind_InvalidValue_NamesVariableAndValue(string variable, string value)
    {
        var e = Assert.Throws<SettingsException>(() => Read((variable, value)));
        Assert.Contains(e.Errors, line => line.Contains($"{variable}='{value}'", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_SeveralInvalidValues_ReportsEachOnALineOfItsOwn()
    {
        var e = Assert.Throws<SettingsException>(() => Read(("TimeToLiveSecs", "0"), ("RocksDB_Compression", "gzip"), ("StatsIntervalSecs", "x")));
        Assert.Equal(3, e.Errors.Count);
        Assert.All(e.Errors, line => Assert.DoesNotContain('\n', line));
    }

    [Fact]
    public void Bind_SensorWithIotEdge_IsRefused()
    {
        var e = Assert.Throws<SettingsException>(() => ModuleOptions.Bind(new Dictionary<string, string?>
        {
            ["StorageFolder"] = _folder.FullName,
            ["EdgeHubConnectionString"] = "HostName=h.azure-devices.net;DeviceId=d;ModuleId=m;SharedAccessKey=" + Convert.ToBase64String(new byte[32]),
            ["SimulatedSensorIntervalMs"] = "1000",
        }));
        Assert.Contains("SimulatedSensorIntervalMs='1000'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_CaFileThatIsNotAPemCertificate_NamesTheVariable()
    {
        var file = Path.Combine(_folder.FullName, "ca.pem");
        File.WriteAllText(file, "this is not a certificate");
        var e = Assert.Throws<SettingsException>(() => Read(("MqttCaFile", file)));
        Assert.Contains($"MqttCaFile='{file}' is not a readable PEM certificate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_ClientCertificateWithoutKey_NamesBothVariables()
    {
        var e = Assert.Throws<SettingsException>(() => Read(("MqttClientCertFile", "/nonexistent/client.pem")));
        Assert.Contains("MqttClientCertFile and MqttClientKeyFile must be set together", e.Message, StringComparison.Ordinal);
    }
}
