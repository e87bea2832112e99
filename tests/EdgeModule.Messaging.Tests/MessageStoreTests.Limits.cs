using EdgeModule.Storage;

namespace EdgeModule.Messaging.Tests;

/// <summary>The store-size limit, the message-size limit and undecodable records.</summary>
public abstract partial class MessageStoreTests
{
    [Fact]
    public void Enqueue_OverMaxStoreBytes_ThrowsFullAndWritesNothingThenAcceptsAfterCleanup()
    {
        var kv = OpenBackend();
        using var probeStore = new Storage.InMemory.InMemoryStore();
        var probe = OpenStore(probeStore).Enqueue("one", Message(0, 1000)).RecordBytes;
        var store = OpenStore(kv, new MessageStoreOptions { Routes = Routes, MaxStoreBytes = (3 * probe) + (probe / 2) });
        for (var i = 0; i < 3; i++)
        {
            store.Enqueue("in", Message(i, 1000));
        }

        var before = Dump(kv);
        var full = Assert.Throws<MessageStoreFullException>(() => store.Enqueue("in", Message(3, 1000)));

        Assert.IsAssignableFrom<StoreFullException>(full);
        Assert.Equal((3 * probe, (long)probe), (full.UsedBytes, full.RequestedBytes));
        Assert.Equal(before, Dump(kv));
        Assert.Equal(3, store.GetStats().MessageCount);
        Assert.Equal(1, StoreLog.Count(3002));
        Assert.Throws<MessageStoreFullException>(() => store.Enqueue("in", Message(3, 1000)));
        Assert.Equal(1, StoreLog.Count(3002));

        ReadAll(store, "a", 10);
        ReadAll(store, "b", 10);
        store.Cleanup();
        store.Enqueue("in", Message(3, 1000));

        Assert.Equal(3, IndexOf(Assert.Single(store.ReadBatch("a", 10).Messages)));
        Assert.Equal(1, StoreLog.Count(3003));
    }

    [Fact]
    public void Enqueue_OversizedMessage_ThrowsTooLargeAndWritesNothing()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv, new MessageStoreOptions { Routes = Routes, MaxMessageBytes = 4096 });

        var error = Assert.Throws<MessageTooLargeException>(() => store.Enqueue("in", Message(0, 4096)));

        Assert.Equal(4096, error.LimitBytes);
        Assert.True(error.SizeBytes > 4096);
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        store.Enqueue("in", Message(1, 4000));
        Assert.Equal(1, store.GetStats().MessageCount);
    }

    [Fact]
    public void ReadBatch_UnknownRecordVersion_SkipsLogsAndQuarantinesIt()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 3; i++)
        {
            store.Enqueue("one", Message(i));
        }

        // Message number 2 is the second record; make it a future version a newer build might have written.
        var messages = kv.GetPartition("mq.messages");
        var key = messages.Iterate().Skip(1).First().Key;
        var record = messages.Get(key)!;
        record[0] = 99;
        messages.Put(key, record);

        var batch = store.ReadBatch("a", 10);
        store.Acknowledge(batch);

        Assert.Equal([0, 2], batch.Messages.Select(IndexOf));
        Assert.Equal((1, 3L), (batch.CorruptCount, batch.LastSequence));
        var line = Assert.Single(StoreLog.Entries, e => e.EventId == 3004);
        Assert.Contains("version 99", line.Message, StringComparison.Ordinal);
        var quarantined = Assert.Single(kv.GetPartition("mq.quarantine").Iterate());
        Assert.Equal(record, quarantined.Value);
        Assert.Equal(RemoveOnCheckpoint ? 0 : 3, store.Cleanup().MessagesDeleted);
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
    }

    [Fact]
    public void ReadBatch_TruncatedRecordAndMissingRecord_SkipsBothWithALogLine()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);
        for (var i = 0; i < 4; i++)
        {
            store.Enqueue("one", Message(i));
        }

        var messages = kv.GetPartition("mq.messages");
        var keys = messages.Iterate().Select(e => e.Key).ToArray();
        messages.Put(keys[1], messages.Get(keys[1])![..^3]);
        messages.Remove(keys[2]);

        var batch = store.ReadBatch("a", 10);

        Assert.Equal([0, 3], batch.Messages.Select(IndexOf));
        Assert.Equal(2, StoreLog.Count(3004));
        Assert.Contains(StoreLog.Entries, e => e.EventId == 3004 && e.Message.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_UnknownLayoutVersion_ThrowsCorrupt()
    {
        var kv = OpenBackend();
        kv.GetOrCreatePartition("mq.meta").Put("format"u8.ToArray(), [2]);

        var error = Assert.Throws<MessageCorruptException>(() => OpenStore(kv));

        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
    }

    private static string Dump(IKeyValueStore kv) => string.Join('\n',
        kv.ListPartitions().SelectMany(p => kv.GetPartition(p).Iterate().Select(e => $"{p}:{Convert.ToHexString(e.Key)}={Convert.ToHexString(e.Value)}")));
}
