using EdgeModule.Messaging.Forwarding;
using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage;

namespace EdgeModule.Messaging.Tests.Forwarding;

/// <summary>The pump against both backends: order, batches, retries, stop, wake-up. Waits on signals, never sleeps.</summary>
public abstract partial class MessagePumpTests(Backend backend) : MessagingTestBase(backend)
{
    internal static readonly MessagePumpOptions FastRetry = new()
    {
        BatchSize = 10,
        RetryMinDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(5),
    };

    private readonly ListLogger<MessagePump> _pumpLog = new();

    [Fact]
    public async Task RunAsync_QueuedMessages_DeliversInOrderInBatches()
    {
        var store = OpenStore(OpenBackend());
        for (var i = 0; i < 95; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var sender = new RecordingSender();
        await using (var running = Start(store, sender, FastRetry))
        {
            await sender.WaitForDeliveredAsync(95).WaitAsync(Bound, Ct);
        }

        Assert.Equal(Enumerable.Range(0, 95), sender.Delivered.Select(IndexOf));
        Assert.All(sender.BatchSizes, n => Assert.InRange(n, 1, 10));
        Assert.Equal(10, sender.BatchSizes.Count);
        Assert.Equal(95, store.GetCheckpoint("a"));
    }

    [Fact]
    public async Task RunAsync_UpstreamFailsThenRecovers_NoLossNoReorderCheckpointOnlyAfterAck()
    {
        var store = OpenStore(OpenBackend());
        for (var i = 0; i < 25; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var checkpointsDuringFailedAttempts = new List<long>();
        var sender = new RecordingSender { FailuresLeft = 5 };
        sender.OnAttempt = _ =>
        {
            if (sender.FailuresLeft > 0)
            {
                checkpointsDuringFailedAttempts.Add(store.GetCheckpoint("a"));
            }
        };

        await using (var running = Start(store, sender, FastRetry))
        {
            await sender.WaitForDeliveredAsync(25).WaitAsync(Bound, Ct);
        }

        Assert.Equal(Enumerable.Range(0, 25), sender.Delivered.Select(IndexOf));
        Assert.Equal(25 / 10 + 1 + 5, sender.Attempts);
        Assert.All(checkpointsDuringFailedAttempts, c => Assert.Equal(0, c));
        Assert.Equal(25, store.GetCheckpoint("a"));
        Assert.Equal(1, _pumpLog.Count(3011));
        Assert.Equal(1, _pumpLog.Count(3013));
        Assert.Equal(5, _pumpLog.Count(3012));
    }

    [Fact]
    public async Task RunAsync_UpstreamUnavailableManyTimes_RetriesAtTheShortestDelayNotTheGrowingBackoff()
    {
        var store = OpenStore(OpenBackend());
        store.Enqueue("one", Message(0));

        // 40 failures with a backoff doubling from 1 ms would wait hours (the maximum, 1 h, long before the 40th);
        // an unavailable upstream is retried after the 1 ms minimum each time (its sender waited for the connection).
        var sender = new RecordingSender { FailuresLeft = 40, Failure = () => new UpstreamUnavailableException("not connected (test)") };
        var options = new MessagePumpOptions { BatchSize = 10, RetryMinDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromHours(1) };
        await using (var running = Start(store, sender, options))
        {
            await sender.WaitForDeliveredAsync(1).WaitAsync(Bound, Ct);
        }

        Assert.Equal(41, sender.Attempts);
        Assert.Equal(1, store.GetCheckpoint("a"));
    }

    [Fact]
    public async Task RunAsync_StopDuringRetryDelay_ReturnsPromptlyAndKeepsCheckpoint()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 15; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var sender = new RecordingSender();
        var slowRetry = new MessagePumpOptions { BatchSize = 10, RetryMinDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromHours(1) };
        var running = Start(store, sender, slowRetry);
        await sender.WaitForDeliveredAsync(15).WaitAsync(Bound, Ct);
        sender.Down = true;
        store.Enqueue("one", Message(15));
        await sender.FirstFailure.WaitAsync(Bound, Ct);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await running.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopwatch.Elapsed}");
        Assert.Equal(15, store.GetCheckpoint("a"));
        Assert.Equal(store.Endpoints.Count, _pumpLog.Count(3014));
        var restarted = OpenStore(Restart(kv));
        Assert.Equal(15, restarted.GetCheckpoint("a"));
        Assert.Equal(15, IndexOf(Assert.Single(restarted.ReadBatch("a", 10).Messages)));
    }

    [Fact]
    public async Task RunAsync_ConcurrentEnqueue_DeliversEverythingInOrderPerEndpoint()
    {
        var store = OpenStore(OpenBackend());
        var sender = new RecordingSender();
        const int PerThread = 300;

        await using (var running = Start(store, sender, FastRetry))
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(t => Task.Run(
                () =>
                {
                    for (var i = 0; i < PerThread; i++)
                    {
                        store.Enqueue("in", Message((t * 1000) + i));
                    }
                },
                Ct)));
            await sender.WaitForDeliveredAsync(2 * 3 * PerThread).WaitAsync(Bound, Ct);
        }

        foreach (var endpoint in new[] { "a", "b" })
        {
            var delivered = sender.Delivered.Where(m => m.Endpoint == endpoint).ToArray();
            Assert.Equal(Enumerable.Range(1, 3 * PerThread).Select(i => (long)i), delivered.Select(m => m.Sequence));
            foreach (var thread in delivered.GroupBy(m => IndexOf(m) / 1000))
            {
                Assert.Equal(Enumerable.Range(thread.Key * 1000, PerThread), thread.Select(IndexOf));
            }

            Assert.Equal(3 * PerThread, store.GetCheckpoint(endpoint));
        }
    }

    [Fact]
    public async Task RunAsync_IdleThenEnqueue_WakesAndDelivers()
    {
        var store = OpenStore(OpenBackend());
        var sender = new RecordingSender();
        await using var running = Start(store, sender, FastRetry);
        await _pumpLog.WaitForAsync(3010).WaitAsync(Bound, Ct);

        for (var i = 0; i < 3; i++)
        {
            store.Enqueue("one", Message(i));
            await sender.WaitForDeliveredAsync(i + 1).WaitAsync(Bound, Ct);
        }

        Assert.Equal([0, 1, 2], sender.Delivered.Select(IndexOf));
    }

    [Fact]
    public async Task RunAsync_CorruptRecordInQueue_LogsSkipsAndDeliversTheRest()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 5; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var messages = kv.GetPartition("mq.messages");
        var key = messages.Iterate().Skip(2).First().Key;
        messages.Put(key, [1, 2, 3]);
        var sender = new RecordingSender();

        await using (var running = Start(store, sender, FastRetry))
        {
            await sender.WaitForDeliveredAsync(4).WaitAsync(Bound, Ct);
        }

        Assert.Equal([0, 1, 3, 4], sender.Delivered.Select(IndexOf));
        Assert.Equal(1, StoreLog.Count(3004));
        Assert.Equal(5, store.GetCheckpoint("a"));
        Assert.Single(kv.GetPartition("mq.quarantine").Iterate());
    }

    [Fact]
    public async Task RunAsync_MessagesExpireWhileUpstreamDown_DropsThemFromHeldBatchKeepingOrder()
    {
        var store = OpenStore(OpenBackend(), new MessageStoreOptions { Routes = Routes, TimeToLive = TimeSpan.FromMinutes(10) });
        store.Enqueue("one", Message(0));
        Clock.Advance(TimeSpan.FromMinutes(5));
        store.Enqueue("one", Message(1));
        store.Enqueue("one", Message(2));
        var sender = new RecordingSender { FailuresLeft = 1 };
        sender.OnAttempt = _ =>
        {
            if (sender.FailuresLeft > 0)
            {
                Clock.Advance(TimeSpan.FromMinutes(5));
            }
        };

        await using (var running = Start(store, sender, FastRetry))
        {
            await sender.WaitForDeliveredAsync(2).WaitAsync(Bound, Ct);
        }

        Assert.Equal([1, 2], sender.Delivered.Select(IndexOf));
        Assert.Equal(3, store.GetCheckpoint("a"));
        var a = store.GetStats().Endpoints.Single(e => e.Endpoint == "a");
        Assert.Equal((2L, 1L), (a.Forwarded, a.DroppedTtlExpiry));
    }

    [Fact]
    public async Task RunAsync_CleanupRunningConcurrently_DeliversEverythingWithoutReadErrors()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        var sender = new RecordingSender();
        const int Count = 2000;

        await using (var running = Start(store, sender, FastRetry))
        {
            using var stopCleanup = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var cleaner = Task.Run(
                () =>
                {
                    while (!stopCleanup.IsCancellationRequested)
                    {
                        store.Cleanup();
                    }
                },
                Ct);
            for (var i = 0; i < Count; i++)
            {
                store.Enqueue("in", Message(i));
            }

            await sender.WaitForDeliveredAsync(2 * Count).WaitAsync(Bound, Ct);
            await stopCleanup.CancelAsync();
            await cleaner.WaitAsync(Bound, Ct);
        }

        store.Cleanup();
        Assert.Equal(Enumerable.Range(0, Count), sender.Delivered.Where(m => m.Endpoint == "a").Select(IndexOf));
        Assert.Equal(Enumerable.Range(0, Count), sender.Delivered.Where(m => m.Endpoint == "b").Select(IndexOf));
        Assert.Equal(0, StoreLog.Count(3004));
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        Assert.Equal((0L, 0L), (store.GetStats().MessageCount, store.GetStats().MessageBytes));
    }

    private RunningPump Start(MessageStore store, RecordingSender sender, MessagePumpOptions options)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pump = NewPump(store, sender, options);
        return new RunningPump(pump, pump.RunAsync(stop.Token), stop);
    }

    private MessagePump NewPump(MessageStore store, RecordingSender sender, MessagePumpOptions options) =>
        new(store, sender, options, TimeProvider.System, _pumpLog);

    /// <summary>Disposing aborts the pump by cancelling its token and waits, bounded, for it to return.</summary>
    private sealed class RunningPump(MessagePump pump, Task run, CancellationTokenSource stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await run.WaitAsync(Bound, CancellationToken.None);
            stop.Dispose();
            pump.Dispose();
        }
    }
}
