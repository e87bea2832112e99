using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Messaging.Tests;

/// <summary>Checkpoints and sequence numbers across a restart (RocksDB reopen; memory: snapshot copy = restore).</summary>
public abstract partial class MessageStoreTests
{
    [Fact]
    public void Acknowledge_ThenRestart_DeliveryResumesAfterCheckpoint()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 10; i++)
        {
            store.Enqueue("in", Message(i));
        }

        store.Acknowledge(store.ReadBatch("a", 4));
        store.Acknowledge(store.ReadBatch("b", 7));

        var reopened = OpenStore(Restart(kv));

        Assert.Equal(4, reopened.GetCheckpoint("a"));
        Assert.Equal(7, reopened.GetCheckpoint("b"));
        Assert.Equal(Enumerable.Range(4, 6), ReadAll(reopened, "a", 100).Select(IndexOf));
        Assert.Equal(Enumerable.Range(7, 3), ReadAll(reopened, "b", 100).Select(IndexOf));
    }

    [Fact]
    public void Enqueue_AfterRestart_ContinuesSequenceNumbers()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 5; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var reopened = OpenStore(Restart(kv));
        reopened.Enqueue("one", Message(5));

        var all = ReadAll(reopened, "a", 100);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), all.Select(m => m.Sequence));
        Assert.Equal(Enumerable.Range(0, 6), all.Select(IndexOf));
        Assert.Equal(RemoveOnCheckpoint ? 0 : 6, reopened.GetStats().MessageCount);
    }

    [Fact]
    public void Enqueue_AfterCleanupEmptiedQueueAndRestart_ContinuesAfterCheckpoint()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 3; i++)
        {
            store.Enqueue("one", Message(i));
        }

        ReadAll(store, "a", 100);
        store.Cleanup();
        Assert.Equal(0, store.GetStats().Endpoints.Single(e => e.Endpoint == "a").QueueLength);

        // The queue is empty, so only the checkpoint remembers that 1..3 were used; 4 must not be taken as delivered.
        var reopened = OpenStore(Restart(kv));
        reopened.Enqueue("one", Message(3));

        var next = Assert.Single(reopened.ReadBatch("a", 10).Messages);
        Assert.Equal((4L, 3), (next.Sequence, IndexOf(next)));
    }

    [Fact]
    public void Open_ExistingStore_RecoversCountsBytesAndQueueLengths()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 20; i++)
        {
            store.Enqueue(i % 2 == 0 ? "in" : "one", Message(i, bodyBytes: 100 + i));
        }

        store.Acknowledge(store.ReadBatch("a", 5));
        var before = store.GetStats();

        var after = OpenStore(Restart(kv)).GetStats();

        Assert.Equal(before.MessageCount, after.MessageCount);
        Assert.Equal(before.MessageBytes, after.MessageBytes);
        // Gauges are recovered; counters (forwarded, dropped) start again at zero with each open.
        Assert.Equal(before.Endpoints.Select(e => e with { Forwarded = 0 }), after.Endpoints);
    }

    [Fact]
    public void Open_QueueOfEndpointNoLongerRouted_KeepsItAsAnEndpoint()
    {
        var kv = OpenBackend();
        OpenStore(kv).Enqueue("in", Message(1));

        var reopened = OpenStore(Restart(kv), new MessageStoreOptions { Routes = RouteTable.Parse("x=c") });

        Assert.Equal(["a", "b", "c"], reopened.Endpoints);
        Assert.Single(reopened.ReadBatch("b", 10).Messages);
    }

    [Fact]
    public void Restore_SnapshotCopyIntoFreshInMemoryStore_ResumesAfterCheckpoint()
    {
        // Cross-backend, as a backup of either backend restored into memory (the module's restore path).
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 6; i++)
        {
            store.Enqueue("in", Message(i));
        }

        store.Acknowledge(store.ReadBatch("a", 2));
        using var memory = new InMemoryStore();
        StoreCopy.CopyAll(kv, memory);

        var restored = OpenStore(memory);
        restored.Enqueue("in", Message(6));

        Assert.Equal(Enumerable.Range(2, 5), ReadAll(restored, "a", 100).Select(IndexOf));
        Assert.Equal(Enumerable.Range(0, 7), ReadAll(restored, "b", 100).Select(IndexOf));
        Assert.Equal(7L, restored.GetStats().Endpoints.Single(e => e.Endpoint == "a").LastSequence);
    }
}
