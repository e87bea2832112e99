using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Messaging.Tests;

/// <summary>
/// Issue 13 item 1, seen by what the journal reads: the in-memory store's net change per key over one interval. With
/// <see cref="MessageStoreOptions.RemoveOnCheckpoint"/> a message the upstream acknowledged within the interval leaves
/// nothing but the checkpoint to write.
/// </summary>
public sealed class InMemoryJournalNetChangeTests() : MessagingTestBase(Backend.Memory)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Drain_MessagesDeliveredWithinTheInterval_LeaveOnlyTheCheckpointsWithRemoveOnCheckpoint(bool removeOnCheckpoint)
    {
        var kv = (InMemoryStore)OpenBackend();
        var store = OpenStore(kv, new MessageStoreOptions { Routes = Routes, RemoveOnCheckpoint = removeOnCheckpoint });
        var tracker = kv.EnableChangeTracking();
        for (var i = 0; i < 10; i++)
        {
            store.Enqueue("in", Message(i));
        }

        store.Acknowledge(store.ReadBatch("a", 10));
        store.Acknowledge(store.ReadBatch("b", 10));
        var delta = tracker.Drain();

        var changed = delta.Partitions.Where(p => p.Keys.Count > 0).ToDictionary(p => p.Name, p => p.Keys.Count);
        if (removeOnCheckpoint)
        {
            Assert.Equal(new Dictionary<string, int> { ["mq.checkpoints"] = 2 }, changed);
        }
        else
        {
            // Without it the journal writes every record and entry, and the cleanup pass later writes their removal.
            Assert.Equal(10, changed["mq.messages"]);
            Assert.Equal(10, changed["mq.queue.a"]);
        }
    }

    [Fact]
    public void Drain_MessageDeliveredToOneOfTwoEndpoints_KeepsItsRecordAndTheOtherQueuesEntry()
    {
        var kv = (InMemoryStore)OpenBackend();
        var store = OpenStore(kv, new MessageStoreOptions { Routes = Routes, RemoveOnCheckpoint = true });
        var tracker = kv.EnableChangeTracking();
        for (var i = 0; i < 5; i++)
        {
            store.Enqueue("in", Message(i));
        }

        store.Acknowledge(store.ReadBatch("a", 10));
        var delta = tracker.Drain();

        var changed = delta.Partitions.Where(p => p.Keys.Count > 0).ToDictionary(p => p.Name, p => p.Keys.Count);
        Assert.Equal(new Dictionary<string, int> { ["mq.messages"] = 5, ["mq.queue.b"] = 5, ["mq.checkpoints"] = 1 }, changed);
        Assert.All(delta.Partitions.SelectMany(p => p.Keys), k => Assert.NotNull(k.Value));
    }
}
