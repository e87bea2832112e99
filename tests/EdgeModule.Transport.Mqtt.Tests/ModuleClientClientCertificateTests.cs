using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>A broker whose TLS listener requires a client certificate signed by the test CA.</summary>
public sealed class ModuleClientClientCertificateTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly MosquittoBroker _broker;

    public ModuleClientClientCertificateTests()
    {
        _broker = new MosquittoBroker(_certificates, "require_certificate true");
    }

    public void Dispose()
    {
        _broker.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task OpenAsync_WithClientCertificate_ConnectsAndSendCompletes()
    {
        var defaults = ClientFactory.Options(_broker.TlsPort, _certificates.CaFile);
        var options = new ModuleClientOptions
        {
            DeviceId = defaults.DeviceId,
            ModuleId = defaults.ModuleId,
            Host = defaults.Host,
            Port = defaults.Port,
            CaFile = defaults.CaFile,
            ClientCertificateFile = _certificates.ClientCertFile,
            ClientKeyFile = _certificates.ClientKeyFile,
            ReconnectMinDelay = defaults.ReconnectMinDelay,
            ReconnectMaxDelay = defaults.ReconnectMaxDelay,
            OperationTimeout = defaults.OperationTimeout,
        };
        await using var client = await ClientFactory.OpenAsync(options);

        await client.SendEventAsync("out", new Message(new byte[] { 7 }), TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        Assert.Equal(ConnectionStatus.Connected, client.Status);
    }

    [Fact]
    public async Task OpenAsync_WithoutClientCertificate_IsRefusedAndKeepsRetrying()
    {
        await ClientFactory.AssertNeverConnectsAsync(ClientFactory.Options(_broker.TlsPort, _certificates.CaFile));
    }
}
