using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeModule.Transport.Mqtt.Auth;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>
/// The IoT Edge path against a fake workload API on a unix socket: trust bundle for TLS, SAS tokens signed by the
/// workload API and renewed before expiry on the injected clock.
/// </summary>
public sealed class IotEdgeTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private const string Hub = "myhub.azure-devices.net";
    private const string ApiVersion = "2019-01-30";
    private readonly MosquittoBroker _broker = fixture.Broker;
    private readonly TestCertificates _certificates = fixture.Certificates;

    [Fact]
    public async Task OpenAsync_IotEdgeMode_TrustsBundleAndSignsTokenThroughWorkloadApi()
    {
        using var workload = new FakeWorkloadApi(await File.ReadAllTextAsync(_certificates.CaFile, TestContext.Current.CancellationToken));
        await using var client = await ClientFactory.OpenAsync(EdgeOptions(workload, "edgeopen"));

        Assert.Equal(ConnectionStatus.Connected, client.Status);
        Assert.Contains($"GET /trust-bundle?api-version={ApiVersion}", workload.Requests);
        Assert.Contains($"POST /modules/edgeopen/genid/gen-1/sign?api-version={ApiVersion}", workload.Requests);
        var signed = Assert.Single(workload.SignedData);
        Assert.StartsWith(Uri.EscapeDataString($"{Hub}/devices/{ClientFactory.DeviceId}/modules/edgeopen") + "\n", signed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_WorkloadSigner_TokenVerifiesWithModuleKeyAndExpiresOnInjectedClock()
    {
        using var workload = new FakeWorkloadApi("unused");
        using var api = new WorkloadApiClient(workload.Uri, "mod", "gen-1", ApiVersion);
        var clock = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var resource = $"{Hub}/devices/dev/modules/mod";
        var source = new SasTokenSource(resource, api, clock, TimeSpan.FromHours(1));

        var token = await source.GetTokenAsync(TestContext.Current.CancellationToken);

        AssertTokenSignedBy(token.Value, resource, workload.ModuleKey, clock.GetUtcNow().AddHours(1));
    }

    [Fact]
    public async Task Connected_TokenNearExpiry_ReconnectsWithFreshlySignedToken()
    {
        using var workload = new FakeWorkloadApi(await File.ReadAllTextAsync(_certificates.CaFile, TestContext.Current.CancellationToken));
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var reasons = new ConcurrentQueue<ConnectionStatusChangeReason>();
        var renewed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new ModuleClient(EdgeOptions(workload, "edgerenew"), timeProvider: clock);
        client.ConnectionStatusChanged += (_, e) =>
        {
            reasons.Enqueue(e.Reason);
            if (e.Status == ConnectionStatus.Connected && reasons.Contains(ConnectionStatusChangeReason.ExpiredSasToken))
            {
                renewed.TrySetResult();
            }
        };
        await client.OpenAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        await clock.WaitForTimerAsync().WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(56));
        await renewed.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        Assert.Equal(2, workload.SignedData.Count);
        Assert.Equal(
            [ConnectionStatusChangeReason.ConnectionOk, ConnectionStatusChangeReason.ExpiredSasToken, ConnectionStatusChangeReason.ConnectionOk],
            reasons);
    }

    [Fact]
    public async Task OpenAsync_WorkloadApiUnreachable_ThrowsNamingTheWorkloadUri()
    {
        var options = new ModuleClientOptions
        {
            Mode = TransportMode.IotEdge, DeviceId = "d", ModuleId = "m", Host = "127.0.0.1", Port = _broker.TlsPort,
            IotHubHostName = Hub, WorkloadUri = new Uri("unix:///nonexistent/workload.sock"), WorkloadApiVersion = ApiVersion,
            ModuleGenerationId = "g",
        };
        await using var client = new ModuleClient(options);

        var error = await Assert.ThrowsAsync<MqttTransportException>(() => client.OpenAsync(TestContext.Current.CancellationToken));
        Assert.Contains("/nonexistent/workload.sock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ConnectionStringMode_ConnectsWithLocallySignedToken()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var parsed = ModuleClientOptions.FromConnectionString(
            $"HostName={Hub};DeviceId={ClientFactory.DeviceId};ModuleId=csmod;SharedAccessKey={Convert.ToBase64String(key)};GatewayHostName=127.0.0.1");
        var options = new ModuleClientOptions
        {
            Mode = parsed.Mode, DeviceId = parsed.DeviceId, ModuleId = parsed.ModuleId, Host = parsed.Host, Port = _broker.TlsPort,
            IotHubHostName = parsed.IotHubHostName, SharedAccessKey = parsed.SharedAccessKey, CaFile = _certificates.CaFile,
        };

        await using var client = await ClientFactory.OpenAsync(options);

        Assert.Equal(ConnectionStatus.Connected, client.Status);
        Assert.Equal("127.0.0.1", parsed.Host);
        Assert.Equal(Hub, parsed.IotHubHostName);
    }

    [Fact]
    public async Task GetTokenAsync_SharedAccessKey_TokenVerifiesWithKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var clock = new ManualTimeProvider(new DateTimeOffset(2031, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var resource = $"{Hub}/devices/dev/modules/mod";
        var source = new SasTokenSource(resource, new SharedAccessKeySigner(key), clock, TimeSpan.FromMinutes(30));

        var token = await source.GetTokenAsync(TestContext.Current.CancellationToken);

        AssertTokenSignedBy(token.Value, resource, key, clock.GetUtcNow().AddMinutes(30));
        Assert.Equal(clock.GetUtcNow().AddMinutes(25), source.RenewAt(token));
    }

    private ModuleClientOptions EdgeOptions(FakeWorkloadApi workload, string moduleId) => new()
    {
        Mode = TransportMode.IotEdge,
        DeviceId = ClientFactory.DeviceId,
        ModuleId = moduleId,
        Host = "127.0.0.1",
        Port = _broker.TlsPort,
        IotHubHostName = Hub,
        WorkloadUri = workload.Uri,
        WorkloadApiVersion = ApiVersion,
        ModuleGenerationId = "gen-1",
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Checks the token the way IoT Hub does: recompute the HMAC over "{sr}\n{se}" with the key.</summary>
    private static void AssertTokenSignedBy(string token, string resource, byte[] key, DateTimeOffset expectedExpiry)
    {
        const string Prefix = "SharedAccessSignature ";
        Assert.StartsWith(Prefix, token, StringComparison.Ordinal);
        var fields = token[Prefix.Length..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(Uri.EscapeDataString(resource), fields["sr"]);
        Assert.Equal(expectedExpiry.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), fields["se"]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{fields["sr"]}\n{fields["se"]}"));
        Assert.Equal(Convert.ToBase64String(expected), Uri.UnescapeDataString(fields["sig"]));
    }
}
