using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>
/// Issue 11 defect 5: the host counts the module ready only once the broker confirmed the inputs subscription, on
/// every connection. Each test uses a broker of its own (one is killed, one grants only QoS 0).
/// </summary>
public sealed class ModuleClientInputsSubscribedTests
{
    [Fact]
    public async Task InputsSubscribed_EveryConnection_SignalledAfterSubackAndResetWhileDisconnected()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificates = new TestCertificates();
        using var broker = new MosquittoBroker(certificates);
        var options = ClientFactory.Options(broker.Port);
        var signals = 0;
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retrying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connectedAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new ModuleClient(options);
        client.InputsSubscribed += (_, _) =>
        {
            if (Interlocked.Increment(ref signals) == 2)
            {
                second.TrySetResult();
            }
        };
        client.ConnectionStatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.DisconnectedRetrying)
            {
                retrying.TrySetResult();
            }
            else if (e.Status == ConnectionStatus.Connected && retrying.Task.IsCompleted)
            {
                connectedAgain.TrySetResult();
            }
        };

        // No input handler yet: connected, but nothing is subscribed to the inputs.
        await client.OpenAsync(ct).WaitAsync(TestTimeouts.Signal, ct);
        var beforeHandler = client.WaitForInputsSubscribedAsync(ct);
        Assert.False(beforeHandler.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref signals));

        // Setting the handler subscribes; its SUBACK completes the wait.
        await client.SetMessageHandlerAsync((_, _) => Task.CompletedTask, ct);
        await beforeHandler.WaitAsync(TestTimeouts.Signal, ct);
        Assert.Equal(1, Volatile.Read(ref signals));

        // The connection ends: the wait is for the next connection's SUBACK.
        broker.Kill();
        await retrying.Task.WaitAsync(TestTimeouts.Signal, ct);
        var afterLoss = client.WaitForInputsSubscribedAsync(ct);
        Assert.False(afterLoss.IsCompleted);

        broker.Start();
        await afterLoss.WaitAsync(TestTimeouts.Signal, ct);
        await second.Task.WaitAsync(TestTimeouts.Signal, ct);

        // The SUBACK is confirmed inside the connect attempt, just before the status turns Connected: wait for it.
        await connectedAgain.Task.WaitAsync(TestTimeouts.Signal, ct);
        Assert.Equal(ConnectionStatus.Connected, client.Status);
    }

    [Fact]
    public async Task InputsSubscribed_BrokerGrantsQos0_NeverSignalledAndNeverConnected()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificates = new TestCertificates();

        // max_qos applies to the listener it follows: the TLS one (the configuration ends with the extra lines).
        using var broker = new MosquittoBroker(certificates, "max_qos 0");
        var options = ClientFactory.Options(broker.TlsPort, certificates.CaFile);
        var retrying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new ModuleClient(options);
        client.ConnectionStatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.DisconnectedRetrying)
            {
                retrying.TrySetResult();
            }
        };
        await client.SetMessageHandlerAsync((_, _) => Task.CompletedTask, ct);

        using var bound = new CancellationTokenSource(TestTimeouts.Absence);
        var open = client.OpenAsync(bound.Token);
        var subscribed = client.WaitForInputsSubscribedAsync(bound.Token);
        await retrying.Task.WaitAsync(TestTimeouts.Signal, ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscribed);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => open);
        Assert.NotEqual(ConnectionStatus.Connected, client.Status);
    }
}
