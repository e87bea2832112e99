using EdgeModule.Transport.Mqtt.Native;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeModule.Transport.Mqtt.Tests;

public sealed class ModuleClientTlsTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;
    private readonly TestCertificates _certificates = fixture.Certificates;

    [Fact]
    public async Task OpenAsync_TlsWithTrustedCa_ConnectsAndDelivers()
    {
        var options = ClientFactory.Options(_broker.TlsPort, _certificates.CaFile);
        using var observer = await RawMqttClient.ConnectAsync(_broker.TlsPort, _certificates.CaFile);
        await observer.SubscribeAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/messages/events/#");
        await using var client = await ClientFactory.OpenAsync(options);

        await client.SendEventAsync("out", new Message(new byte[] { 1, 2, 3 }), TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        Assert.Equal(new byte[] { 1, 2, 3 }, (await observer.NextAsync()).Payload);
    }

    [Fact]
    public async Task Connect_TlsWithWrongCa_HandshakeFailsWithoutConnack()
    {
        var settings = new MosquittoSettings("127.0.0.1", _broker.TlsPort, "wrong-ca", true, 30, _certificates.WrongCaFile, null, null, null, 10);
        using var connection = new MosquittoConnection(settings, NullLogger.Instance);
        var connack = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lost = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnackReceived += rc => connack.TrySetResult(rc);
        connection.ConnectionLost += rc => lost.TrySetResult(rc);

        // libmosquitto may fail the handshake inside connect or in the first loop round, depending on timing.
        try
        {
            connection.Connect();
            var rc = await lost.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
            Assert.Contains(rc, new[] { 7, 8, 23 }); // MOSQ_ERR_CONN_LOST, MOSQ_ERR_TLS, MOSQ_ERR_TLS_HANDSHAKE
        }
        catch (MqttTransportException error)
        {
            Assert.Equal(8, error.NativeErrorCode);
        }

        Assert.False(connack.Task.IsCompleted);
    }

    [Fact]
    public async Task OpenAsync_TlsWithWrongCa_NeverConnectsAndReportsRetrying()
    {
        await ClientFactory.AssertNeverConnectsAsync(ClientFactory.Options(_broker.TlsPort, _certificates.WrongCaFile));
    }

    [Fact]
    public async Task OpenAsync_PlainClientOnTlsPort_NeverConnects()
    {
        using var bound = new CancellationTokenSource(TestTimeouts.Absence);
        await using var client = new ModuleClient(ClientFactory.Options(_broker.TlsPort));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.OpenAsync(bound.Token));
    }
}
