namespace EdgeModule.Messaging.Tests;

/// <summary>Issue 12: the counters and gauges the host turns into metrics.</summary>
public abstract partial class MessageStoreTests
{
    [Fact]
    public void GetStats_AfterTraffic_CountsReceivedForwardedRefusedAndDropsByReason()
    {
        var store = OpenStore(OpenBackend(), new MessageStoreOptions { Routes = Routes, RemoveOnCheckpoint = RemoveOnCheckpoint, MaxMessageBytes = 290, MaxStoreBytes = 300 });
        for (var i = 0; i < 3; i++)
        {
            store.Enqueue("in", Message(i));
        }

        store.Enqueue("nowhere", Message(3));
        Assert.Throws<MessageTooLargeException>(() => store.Enqueue("one", Message(4, 500)));
        Assert.Throws<MessageStoreFullException>(() => store.Enqueue("one", Message(5, 240)));
        Assert.Throws<MessageStoreFullException>(() => store.Enqueue("one", Message(6, 240)));
        ReadAll(store, "a", 2);

        var stats = store.GetStats();
        Assert.Equal(
            (3L, 2L, 0L, 2L, 1L, 1L, 0L),
            (stats.Received, stats.RefusedFull, stats.RefusedWriteFailed, stats.Refused, stats.DroppedNoRoute, stats.DroppedTooLarge, stats.DroppedTtlExpiry));
        Assert.Equal(3L, stats.Forwarded);
        Assert.Equal([("a", 3L), ("b", 0L)], stats.Endpoints.Select(e => (e.Endpoint, e.Forwarded)));
    }

    [Fact]
    public void GetStats_QueueBytesAndOldestAge_FollowEnqueueAcknowledgeCleanupAndRestart()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        var first = store.Enqueue("in", Message(0));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = store.Enqueue("one", Message(1, 100));
        Clock.Advance(TimeSpan.FromMinutes(1));

        var a = Endpoint(store, "a");
        Assert.Equal((first.RecordBytes + second.RecordBytes, TimeSpan.FromMinutes(2)), (a.QueueBytes, a.OldestMessageAge));
        Assert.Equal((first.RecordBytes, TimeSpan.FromMinutes(2)), (Endpoint(store, "b").QueueBytes, Endpoint(store, "b").OldestMessageAge));

        store.Acknowledge(store.ReadBatch("a", 1));
        Assert.Equal(TimeSpan.FromMinutes(1), Endpoint(store, "a").OldestMessageAge);
        store.Acknowledge(store.ReadBatch("a", 1));
        store.Cleanup();
        Assert.Equal((0L, null), (Endpoint(store, "a").QueueBytes, Endpoint(store, "a").OldestMessageAge));

        var reopened = OpenStore(Restart(kv));
        Assert.Equal((0L, first.RecordBytes), (Endpoint(reopened, "a").QueueBytes, Endpoint(reopened, "b").QueueBytes));
        Assert.Equal(TimeSpan.FromMinutes(2), Endpoint(reopened, "b").OldestMessageAge);
    }

    [Fact]
    public void GetStats_ExpiredEntries_CountedOnceWhetherSkippedAtReadRemovedByCleanupOrBoth()
    {
        var store = OpenStore(OpenBackend(), new MessageStoreOptions { Routes = Routes, RemoveOnCheckpoint = RemoveOnCheckpoint, TimeToLive = TimeSpan.FromMinutes(10) });
        for (var i = 0; i < 3; i++)
        {
            store.Enqueue("one", Message(i));
        }

        // Removed by cleanup before the pump saw them.
        Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(3, store.Cleanup().ExpiredEntries);
        Assert.True(store.ReadBatch("a", 10).IsEmpty);
        Assert.Equal(3L, Endpoint(store, "a").DroppedTtlExpiry);

        // Skipped by a read whose batch is held, then removed by cleanup, then acknowledged: counted once.
        store.Enqueue("one", Message(3));
        store.Enqueue("one", Message(4));
        Clock.Advance(TimeSpan.FromMinutes(11));
        var held = store.ReadBatch("a", 10);
        Assert.Equal(2, held.Expired);
        Assert.Equal(2, store.Cleanup().ExpiredEntries);
        store.Acknowledge(held);
        Assert.Equal(5L, Endpoint(store, "a").DroppedTtlExpiry);

        // Skipped and acknowledged first: cleanup then removes them as delivered.
        store.Enqueue("one", Message(5));
        Clock.Advance(TimeSpan.FromMinutes(11));
        store.Acknowledge(store.ReadBatch("a", 10));
        store.Cleanup();
        var a = Endpoint(store, "a");
        Assert.Equal((6L, 0L), (a.DroppedTtlExpiry, a.Forwarded));
    }

    private static EndpointStats Endpoint(MessageStore store, string endpoint) => store.GetStats().Endpoints.Single(e => e.Endpoint == endpoint);
}
