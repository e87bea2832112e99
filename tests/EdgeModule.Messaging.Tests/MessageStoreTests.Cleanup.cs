
namespace EdgeModule.Messaging.Tests;

/// <summary>TTL and cleanup, driven by the manual clock.</summary>
public abstract partial class MessageStoreTests
{
    [Fact]
    public void Cleanup_Delivered_RemovesEntriesUpToCheckpointAndDeletesMessages()
    {
        Assert.SkipWhen(RemoveOnCheckpoint, "delivered entries are removed at acknowledgement, not by cleanup");
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 10; i++)
        {
            store.Enqueue("one", Message(i));
        }

        store.Acknowledge(store.ReadBatch("a", 6));
        var result = store.Cleanup();

        Assert.Equal(new CleanupResult(6, 0, 6, result.BytesFreed), result);
        Assert.True(result.BytesFreed > 0);
        Assert.Equal(4, kv.GetPartition("mq.queue.a").Count());
        Assert.Equal(4, kv.GetPartition("mq.messages").Count());
        Assert.Equal(Enumerable.Range(6, 4), ReadAll(store, "a", 100).Select(IndexOf));
    }

    [Fact]
    public void Cleanup_MessageOnTwoEndpoints_DeletesItOnlyWhenBothDelivered()
    {
        Assert.SkipWhen(RemoveOnCheckpoint, "delivered entries are removed at acknowledgement, not by cleanup");
        var kv = OpenBackend();
        var store = OpenStore(kv);
        store.Enqueue("in", Message(1));

        ReadAll(store, "a", 10);
        var first = store.Cleanup();
        Assert.Equal((1L, 0L), (first.EntriesRemoved, first.MessagesDeleted));
        Assert.Equal(1, kv.GetPartition("mq.messages").Count());
        Assert.Equal(0, kv.GetPartition("mq.refcounts").Count());
        Assert.Equal(1, IndexOf(Assert.Single(store.ReadBatch("b", 10).Messages)));

        ReadAll(store, "b", 10);
        var second = store.Cleanup();

        Assert.Equal((1L, 1L), (second.EntriesRemoved, second.MessagesDeleted));
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        Assert.Equal((0L, 0L), (store.GetStats().MessageCount, store.GetStats().MessageBytes));
    }

    [Fact]
    public void Cleanup_BothEndpointsDeliveredInOnePass_DeletesMessageOnce()
    {
        Assert.SkipWhen(RemoveOnCheckpoint, "delivered entries are removed at acknowledgement, not by cleanup");
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 3; i++)
        {
            store.Enqueue("in", Message(i));
        }

        ReadAll(store, "a", 10);
        ReadAll(store, "b", 10);
        var result = store.Cleanup();

        Assert.Equal((6L, 3L), (result.EntriesRemoved, result.MessagesDeleted));
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        Assert.Equal(0, kv.GetPartition("mq.refcounts").Count());
    }

    [Fact]
    public void Cleanup_ExpiredUndelivered_RemovesThemAfterTimeToLive()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv, new MessageStoreOptions { Routes = Routes, TimeToLive = TimeSpan.FromMinutes(10) });
        store.Enqueue("in", Message(0));
        Clock.Advance(TimeSpan.FromMinutes(5));
        store.Enqueue("in", Message(1));

        Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(default, store.Cleanup());

        Clock.Advance(TimeSpan.FromTicks(1));
        var result = store.Cleanup();

        Assert.Equal(new CleanupResult(2, 2, 1, result.BytesFreed), result);
        Assert.Equal(1, kv.GetPartition("mq.messages").Count());
        Assert.Equal(1, IndexOf(Assert.Single(store.ReadBatch("a", 10).Messages)));
        Assert.Equal(1, StoreLog.Count(3005));
    }

    [Fact]
    public void ReadBatch_ExpiredEntries_SkipsAndCountsThemAndAcknowledgeMovesPast()
    {
        var store = OpenStore(OpenBackend(), new MessageStoreOptions { Routes = Routes, TimeToLive = TimeSpan.FromMinutes(1) });
        store.Enqueue("one", Message(0));
        store.Enqueue("one", Message(1));
        Clock.Advance(TimeSpan.FromMinutes(1));
        store.Enqueue("one", Message(2));

        var batch = store.ReadBatch("a", 10);
        store.Acknowledge(batch);

        Assert.Equal((2, 3L), (batch.Expired, batch.LastSequence));
        Assert.Equal(2, IndexOf(Assert.Single(batch.Messages)));
        Assert.Equal(3, store.GetCheckpoint("a"));
        Assert.True(store.ReadBatch("a", 10).IsEmpty);
    }

    [Fact]
    public void Cleanup_LargeBacklog_SpansSeveralWriteBatches()
    {
        Assert.SkipWhen(RemoveOnCheckpoint, "delivered entries are removed at acknowledgement, not by cleanup");
        var kv = OpenBackend();
        var store = OpenStore(kv);
        var count = (MessageStore.CleanupBatchOperations / 2) + 100;
        for (var i = 0; i < count; i++)
        {
            store.Enqueue("one", Message(i));
        }

        ReadAll(store, "a", 1000);
        var result = store.Cleanup();

        Assert.Equal((count, (long)count), (result.EntriesRemoved, result.MessagesDeleted));
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        Assert.Equal(0L, store.GetStats().MessageBytes);
    }

    [Fact]
    public async Task RunCleanupLoopAsync_Running_CleansUpUntilCancelled()
    {
        var kv = OpenBackend();
        var store = new MessageStore(kv, new MessageStoreOptions { Routes = Routes, CleanupInterval = TimeSpan.FromMilliseconds(10) }, TimeProvider.System, StoreLog);
        store.Enqueue("one", Message(0));
        ReadAll(store, "a", 10);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var loop = store.RunCleanupLoopAsync(stop.Token);
        await StoreLog.WaitForAsync(3005).WaitAsync(Bound, Ct);
        await stop.CancelAsync();
        await loop.WaitAsync(Bound, Ct);

        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
    }
}
