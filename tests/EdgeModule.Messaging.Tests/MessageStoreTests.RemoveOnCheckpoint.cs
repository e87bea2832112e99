using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage;

namespace EdgeModule.Messaging.Tests;

/// <summary>
/// Issue 13 item 1: with <see cref="MessageStoreOptions.RemoveOnCheckpoint"/> a delivered message is removed in the
/// checkpoint's own write, so a journal flushing net changes never writes it.
/// </summary>
public abstract partial class MessageStoreTests
{
    private static MessageStoreOptions Removing(TimeSpan? ttl = null) =>
        new() { Routes = Routes, RemoveOnCheckpoint = true, TimeToLive = ttl ?? MessageStoreOptions.DefaultTimeToLive };

    [Fact]
    public void Acknowledge_RemoveOnCheckpoint_RemovesEntriesAndRecordsInTheCheckpointsWrite()
    {
        var kv = new FailingWritesStore(OpenBackend());
        var store = OpenStore(kv, Removing());
        for (var i = 0; i < 10; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var batch = store.ReadBatch("a", 6);
        var writes = kv.Writes;
        store.Acknowledge(batch);

        Assert.Equal(writes + 1, kv.Writes);
        using (var snapshot = kv.CreateSnapshot())
        {
            Assert.Equal(Enumerable.Range(7, 4).Select(i => (long)i), Sequences(snapshot, "mq.queue.a"));
            Assert.Equal(Enumerable.Range(7, 4).Select(i => (long)i), Sequences(snapshot, "mq.messages"));
            Assert.Empty(snapshot.GetPartition("mq.refcounts").Iterate());
        }

        var stats = store.GetStats();
        Assert.Equal((4L, 4L), (stats.MessageCount, stats.Endpoints.Single(e => e.Endpoint == "a").QueueLength));
        Assert.Equal(kv.GetPartition("mq.messages").Iterate().Sum(r => (long)r.Value.Length), stats.MessageBytes);
        Assert.Equal(default, store.Cleanup());
        Assert.Equal(Enumerable.Range(6, 4), ReadAll(store, "a", 100).Select(IndexOf));
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
    }

    [Fact]
    public void Acknowledge_RemoveOnCheckpointTwoEndpoints_KeepsEachRecordUntilBothPassedIt()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv, Removing());
        for (var i = 0; i < 5; i++)
        {
            store.Enqueue("in", Message(i));
        }

        store.Acknowledge(store.ReadBatch("a", 5));
        Assert.Equal(0, kv.GetPartition("mq.queue.a").Count());
        Assert.Equal(5, kv.GetPartition("mq.messages").Count());
        Assert.Empty(kv.GetPartition("mq.refcounts").Iterate());

        store.Acknowledge(store.ReadBatch("b", 3));
        using (var snapshot = kv.CreateSnapshot())
        {
            Assert.Equal([4L, 5L], Sequences(snapshot, "mq.messages"));
            Assert.Equal([4L, 5L], Sequences(snapshot, "mq.queue.b"));
        }

        Assert.Equal([3, 4], ReadAll(store, "b", 10).Select(IndexOf));
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        Assert.Equal((0L, 0L), (store.GetStats().MessageCount, store.GetStats().MessageBytes));
    }

    [Fact]
    public void Acknowledge_RemoveOnCheckpointAfterCleanupRemovedExpiredEntriesOfTheBatch_ReleasesEachMessageOnce()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv, Removing(TimeSpan.FromMinutes(10)));
        store.Enqueue("in", Message(0));
        Clock.Advance(TimeSpan.FromMinutes(5));
        store.Enqueue("in", Message(1));

        // The upstream holds a's batch while message 0 expires and cleanup removes it from both queues.
        var held = store.ReadBatch("a", 10);
        Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(2, store.Cleanup().ExpiredEntries);
        store.Acknowledge(held);

        Assert.Equal(1, kv.GetPartition("mq.messages").Count());
        Assert.Equal((1L, (long)kv.GetPartition("mq.messages").Iterate().Single().Value.Length), (store.GetStats().MessageCount, store.GetStats().MessageBytes));
        Assert.Equal([1], ReadAll(store, "b", 10).Select(IndexOf));
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        Assert.Equal(0L, store.GetStats().MessageCount);
    }

    [Fact]
    public void Acknowledge_RemoveOnCheckpointThenRestart_ContinuesSequencesWithNothingLeft()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv, Removing());
        for (var i = 0; i < 5; i++)
        {
            store.Enqueue("in", Message(i));
        }

        ReadAll(store, "a", 2);
        store.Acknowledge(store.ReadBatch("b", 3));

        var reopened = OpenStore(Restart(kv), Removing());
        reopened.Enqueue("in", Message(5));

        Assert.Equal([(6L, 5)], ReadAll(reopened, "a", 10).Select(m => (m.Sequence, IndexOf(m))));
        Assert.Equal([4L, 5L, 6L], ReadAll(reopened, "b", 10).Select(m => m.Sequence));
        Assert.Equal((0L, 0L), (reopened.GetStats().MessageCount, reopened.GetStats().MessageBytes));
        Assert.Equal(default, reopened.Cleanup());
    }

    [Fact]
    public void Acknowledge_OptionTurnedOnOverDeliveredEntries_LeavesOldOnesToCleanup()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv, new MessageStoreOptions { Routes = Routes });
        for (var i = 0; i < 6; i++)
        {
            store.Enqueue("one", Message(i));
        }

        store.Acknowledge(store.ReadBatch("a", 3));
        var restarted = Restart(kv);
        var reopened = OpenStore(restarted, Removing());
        reopened.Acknowledge(reopened.ReadBatch("a", 10));

        using (var snapshot = restarted.CreateSnapshot())
        {
            Assert.Equal([1L, 2L, 3L], Sequences(snapshot, "mq.queue.a"));
        }

        Assert.Equal(3, reopened.Cleanup().MessagesDeleted);
        Assert.Equal((0L, 0L), (reopened.GetStats().MessageCount, reopened.GetStats().MessageBytes));
    }

    private static long[] Sequences(IStoreSnapshot snapshot, string partition)
    {
        using var cursor = snapshot.GetPartition(partition).OpenCursor();
        var keys = new List<long>();
        for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
        {
            keys.Add(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(cursor.Key));
        }

        return [.. keys];
    }
}
