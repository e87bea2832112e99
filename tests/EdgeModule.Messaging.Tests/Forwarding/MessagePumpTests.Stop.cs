using EdgeModule.Messaging.Forwarding;
using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests.Forwarding;

/// <summary>The graceful stop (issue 11, defect 4): a clean stop while forwarding sends nothing twice.</summary>
public abstract partial class MessagePumpTests
{
    [Fact]
    public async Task StopAsync_BatchInFlightAcknowledgedWithinGrace_CheckpointsItAndRestartSendsNoDuplicate()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 25; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new RecordingSender { AckGate = gate };
        using var pump = NewPump(store, sender, FastRetry);
        var run = pump.RunAsync(Ct);
        await sender.HeldAtGate.WaitAsync(Bound, Ct);

        var stopping = pump.StopAsync(Bound, Ct);
        Assert.False(stopping.IsCompleted);
        gate.SetResult();

        Assert.True(await stopping.WaitAsync(Bound, Ct));
        await run.WaitAsync(Bound, Ct);
        Assert.Equal(1, sender.Attempts);
        Assert.Equal(Enumerable.Range(0, 10), sender.Delivered.Select(IndexOf));
        Assert.Equal(10, store.GetCheckpoint("a"));
        Assert.Equal(0, _pumpLog.Count(3017));

        // After the restart the rest goes, and nothing the upstream already had goes again.
        var restarted = OpenStore(Restart(kv));
        Assert.Equal(10, restarted.GetCheckpoint("a"));
        var after = new RecordingSender();
        using (var pump2 = NewPump(restarted, after, FastRetry))
        {
            var run2 = pump2.RunAsync(Ct);
            await after.WaitForDeliveredAsync(15).WaitAsync(Bound, Ct);
            Assert.True(await pump2.StopAsync(Bound, Ct));
            await run2.WaitAsync(Bound, Ct);
        }

        var received = sender.Received.Concat(after.Received).Select(IndexOf).ToArray();
        Assert.Equal(Enumerable.Range(0, 25), received);
    }

    [Fact]
    public async Task StopAsync_AcknowledgementsNeverCome_AbortsAtGraceEndAndBatchIsSentAgainAfterRestart()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 25; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var sender = new RecordingSender { AckGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var pump = NewPump(store, sender, FastRetry);
        var run = pump.RunAsync(Ct);
        await sender.HeldAtGate.WaitAsync(Bound, Ct);

        // The grace is the behaviour under test: the stop must end when it runs out, not when the upstream answers.
        Assert.False(await pump.StopAsync(TimeSpan.FromMilliseconds(200), Ct).WaitAsync(Bound, Ct));
        await run.WaitAsync(Bound, Ct);

        Assert.Empty(sender.Delivered);
        Assert.Equal(0, store.GetCheckpoint("a"));
        Assert.Equal(1, _pumpLog.Count(3017));
        Assert.Equal(store.Endpoints.Count, _pumpLog.Count(3014));
        var restarted = OpenStore(Restart(kv));
        Assert.Equal(0, restarted.GetCheckpoint("a"));
        Assert.Equal(Enumerable.Range(0, 10), restarted.ReadBatch("a", 10).Messages.Select(IndexOf));
    }

    [Fact]
    public async Task StopAsync_TokenCancelledDuringGrace_AbortsAtOnce()
    {
        var store = OpenStore(OpenBackend());
        store.Enqueue("one", Message(0));
        var sender = new RecordingSender { AckGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using var pump = NewPump(store, sender, FastRetry);
        var run = pump.RunAsync(Ct);
        await sender.HeldAtGate.WaitAsync(Bound, Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var stopping = pump.StopAsync(TimeSpan.FromHours(1), deadline.Token);
        Assert.False(stopping.IsCompleted);
        await deadline.CancelAsync();

        Assert.False(await stopping.WaitAsync(Bound, Ct));
        await run.WaitAsync(Bound, Ct);
        Assert.Equal(0, store.GetCheckpoint("a"));
        Assert.Equal(1, _pumpLog.Count(3017));
    }

    [Fact]
    public async Task StopAsync_UpstreamDownInRetryDelay_EndsTheDelayAtOnceAndKeepsTheBatch()
    {
        var store = OpenStore(OpenBackend());
        store.Enqueue("one", Message(0));
        var sender = new RecordingSender { Down = true };
        var slowRetry = new MessagePumpOptions { BatchSize = 10, RetryMinDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromHours(1) };
        using var pump = NewPump(store, sender, slowRetry);
        var run = pump.RunAsync(Ct);
        await sender.FirstFailure.WaitAsync(Bound, Ct);

        Assert.False(await pump.StopAsync(TimeSpan.FromHours(1), Ct).WaitAsync(Bound, Ct));
        await run.WaitAsync(Bound, Ct);
        Assert.Equal(1, sender.Attempts);
        Assert.Equal(0, store.GetCheckpoint("a"));
        Assert.Equal(1, _pumpLog.Count(3017));
    }

    [Fact]
    public async Task StopAsync_Idle_CompletesWithNothingAbandoned()
    {
        var store = OpenStore(OpenBackend());
        using var pump = NewPump(store, new RecordingSender(), FastRetry);
        var run = pump.RunAsync(Ct);
        await _pumpLog.WaitForAsync(3010).WaitAsync(Bound, Ct);

        Assert.True(await pump.StopAsync(TimeSpan.FromHours(1), Ct).WaitAsync(Bound, Ct));
        await run.WaitAsync(Bound, Ct);
        Assert.Equal(store.Endpoints.Count, _pumpLog.Count(3014));
    }

    [Fact]
    public async Task StopAsync_BadCalls_ThrowClearErrors()
    {
        var store = OpenStore(OpenBackend());
        var pump = NewPump(store, new RecordingSender(), FastRetry);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pump.StopAsync(TimeSpan.FromSeconds(-1), Ct));
        var run = pump.RunAsync(Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => pump.RunAsync(Ct));
        Assert.True(await pump.StopAsync(TimeSpan.Zero, Ct).WaitAsync(Bound, Ct));
        await run.WaitAsync(Bound, Ct);
        pump.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pump.StopAsync(TimeSpan.Zero, Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pump.RunAsync(Ct));
    }
}
