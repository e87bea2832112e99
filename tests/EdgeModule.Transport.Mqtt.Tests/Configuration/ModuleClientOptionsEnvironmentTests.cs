namespace EdgeModule.Transport.Mqtt.Tests.Configuration;

public sealed class ModuleClientOptionsEnvironmentTests
{
    private static readonly Dictionary<string, string?> _iotEdge = new()
    {
        ["IOTEDGE_WORKLOADURI"] = "unix:///var/run/iotedge/workload.sock",
        ["IOTEDGE_APIVERSION"] = "2019-01-30",
        ["IOTEDGE_MODULEGENERATIONID"] = "637000000000000000",
        ["IOTEDGE_GATEWAYHOSTNAME"] = "edgehub-host",
        ["IOTEDGE_DEVICEID"] = "dev1",
        ["IOTEDGE_MODULEID"] = "store",
        ["IOTEDGE_IOTHUBHOSTNAME"] = "hub.azure-devices.net",
        ["IOTEDGE_AUTHSCHEME"] = "sasToken",
    };

    [Fact]
    public void FromEnvironment_AllIotEdgeVariables_SelectsIotEdgeModeOnGateway8883()
    {
        var options = ModuleClientOptions.FromEnvironment(_iotEdge);

        Assert.Equal(TransportMode.IotEdge, options.Mode);
        Assert.Equal("edgehub-host", options.Host);
        Assert.Equal(8883, options.Port);
        Assert.Equal("dev1/store", options.EffectiveClientId);
        Assert.Equal("/var/run/iotedge/workload.sock", options.WorkloadUri!.AbsolutePath);
        Assert.False(options.CleanSession);
    }

    [Fact]
    public void FromEnvironment_IotEdgeVariablesMissing_OneErrorNamingEachMissingVariable()
    {
        var partial = new Dictionary<string, string?>(_iotEdge);
        partial.Remove("IOTEDGE_MODULEGENERATIONID");
        partial.Remove("IOTEDGE_IOTHUBHOSTNAME");

        var error = Assert.Throws<TransportConfigurationException>(() => ModuleClientOptions.FromEnvironment(partial));

        Assert.Contains("IOTEDGE_MODULEGENERATIONID", error.Message, StringComparison.Ordinal);
        Assert.Contains("IOTEDGE_IOTHUBHOSTNAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_MalformedWorkloadUriAndAuthScheme_NamesBoth()
    {
        var bad = new Dictionary<string, string?>(_iotEdge)
        {
            ["IOTEDGE_WORKLOADURI"] = "not a uri",
            ["IOTEDGE_AUTHSCHEME"] = "x509",
        };

        var error = Assert.Throws<TransportConfigurationException>(() => ModuleClientOptions.FromEnvironment(bad));

        Assert.Contains("IOTEDGE_WORKLOADURI='not a uri'", error.Message, StringComparison.Ordinal);
        Assert.Contains("IOTEDGE_AUTHSCHEME='x509'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_ConnectionStringPresent_TakesPrecedenceOverIotEdge()
    {
        var env = new Dictionary<string, string?>(_iotEdge)
        {
            ["EdgeHubConnectionString"] = "HostName=h.azure-devices.net;DeviceId=d;ModuleId=m;SharedAccessKey=AAAA",
        };

        var options = ModuleClientOptions.FromEnvironment(env);

        Assert.Equal(TransportMode.ConnectionString, options.Mode);
        Assert.Equal("h.azure-devices.net", options.Host);
    }

    [Fact]
    public void FromEnvironment_BrokerWithPrefix_ReadsPrefixedNamesAndTuning()
    {
        var env = new Dictionary<string, string?>
        {
            ["UpstreamMqttHost"] = "broker.local",
            ["UpstreamMqttPort"] = "1884",
            ["UpstreamMqttDeviceId"] = "d",
            ["UpstreamMqttModuleId"] = "m",
            ["UpstreamMqttUsername"] = "user",
            ["UpstreamMqttPassword"] = "secret",
            ["UpstreamMqttMaxMessageSize"] = "1000",
            ["UpstreamMqttCleanSession"] = "true",
        };

        var options = ModuleClientOptions.FromEnvironment(env, "Upstream");

        Assert.Equal(TransportMode.Broker, options.Mode);
        Assert.Equal(("broker.local", 1884, "user", "secret"), (options.Host, options.Port, options.Username, options.Password));
        Assert.Equal(1000, options.MaxMessageSize);
        Assert.True(options.CleanSession);
    }

    [Fact]
    public void FromEnvironment_MalformedNumbersAndMissingFiles_OneErrorNamingEach()
    {
        var env = new Dictionary<string, string?>
        {
            ["MqttHost"] = "b",
            ["MqttPort"] = "http",
            ["MqttCaFile"] = "/nonexistent/ca.pem",
            ["MqttMaxMessageSize"] = "-5",
            ["MqttCleanSession"] = "yes",
        };

        var error = Assert.Throws<TransportConfigurationException>(() => ModuleClientOptions.FromEnvironment(env));

        foreach (var name in new[] { "MqttPort='http'", "MqttCaFile='/nonexistent/ca.pem'", "MqttMaxMessageSize='-5'", "MqttCleanSession='yes'", "MqttDeviceId" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromEnvironment_MaxInflightMessages_ReadWithPrefixAndValidated()
    {
        var options = ModuleClientOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["UpstreamMqttHost"] = "127.0.0.1", ["UpstreamMqttDeviceId"] = "d", ["UpstreamMqttModuleId"] = "m",
            ["UpstreamMqttMaxInflightMessages"] = "1000",
        }, "Upstream");
        Assert.Equal(1000, options.MaxInflightMessages);
        Assert.Equal(100, ModuleClientOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MqttHost"] = "127.0.0.1", ["MqttDeviceId"] = "d", ["MqttModuleId"] = "m",
        }).MaxInflightMessages);

        var e = Assert.Throws<TransportConfigurationException>(() => ModuleClientOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MqttHost"] = "127.0.0.1", ["MqttDeviceId"] = "d", ["MqttModuleId"] = "m", ["MqttMaxInflightMessages"] = "0",
        }));
        Assert.Contains("MqttMaxInflightMessages='0'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_TcpNoDelay_OffByDefaultReadWithPrefixAndValidated()
    {
        Assert.False(ModuleClientOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MqttHost"] = "127.0.0.1", ["MqttDeviceId"] = "d", ["MqttModuleId"] = "m",
        }).TcpNoDelay);
        Assert.True(ModuleClientOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["UpstreamMqttHost"] = "127.0.0.1", ["UpstreamMqttDeviceId"] = "d", ["UpstreamMqttModuleId"] = "m",
            ["UpstreamMqttTcpNoDelay"] = "true",
        }, "Upstream").TcpNoDelay);

        var e = Assert.Throws<TransportConfigurationException>(() => ModuleClientOptions.FromEnvironment(new Dictionary<string, string?>
        {
            ["MqttHost"] = "127.0.0.1", ["MqttDeviceId"] = "d", ["MqttModuleId"] = "m", ["MqttTcpNoDelay"] = "yes",
        }));
        Assert.Contains("MqttTcpNoDelay='yes' is not a boolean", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_NothingSet_ErrorListsTheThreeWaysToConnect()
    {
        var error = Assert.Throws<TransportConfigurationException>(() => ModuleClientOptions.FromEnvironment(new Dictionary<string, string?>()));

        Assert.Contains("IOTEDGE_", error.Message, StringComparison.Ordinal);
        Assert.Contains("EdgeHubConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("MqttHost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConnectionString_MissingPartsAndBadKey_NamesEach()
    {
        var error = Assert.Throws<TransportConfigurationException>(
            () => ModuleClientOptions.FromConnectionString("HostName=h;SharedAccessKey=not*base64;junk"));

        Assert.Contains("DeviceId is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("ModuleId is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("SharedAccessKey is not base64", error.Message, StringComparison.Ordinal);
        Assert.Contains("'junk'", error.Message, StringComparison.Ordinal);
    }
}
