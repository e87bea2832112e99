using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests;

/// <summary>The message store's behaviour, run against both backends (subclasses at the end of this file).</summary>
public abstract partial class MessageStoreTests(Backend backend) : MessagingTestBase(backend)
{
    [Fact]
    public void Enqueue_RoutedToTwoEndpoints_StoresMessageOnceReferencedFromBothQueues()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);

        var result = store.Enqueue("in", Message(1));

        Assert.Equal(["a", "b"], result.Endpoints);
        Assert.Equal(1, kv.GetPartition("mq.messages").Count());
        Assert.Equal(1, kv.GetPartition("mq.queue.a").Count());
        Assert.Equal(1, kv.GetPartition("mq.queue.b").Count());
        Assert.Equal(1, kv.GetPartition("mq.refcounts").Count());
        var stats = store.GetStats();
        Assert.Equal(1, stats.MessageCount);
        Assert.Equal(result.RecordBytes, stats.MessageBytes);
        Assert.All(stats.Endpoints, e => Assert.Equal((1, 1L), (e.QueueLength, e.Undelivered)));
        Assert.Equal(1, IndexOf(Assert.Single(store.ReadBatch("a", 10).Messages)));
        Assert.Equal(1, IndexOf(Assert.Single(store.ReadBatch("b", 10).Messages)));
    }

    [Fact]
    public void Enqueue_SingleEndpoint_WritesNoReferenceCountRecord()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);

        store.Enqueue("one", Message(1));

        Assert.Equal(0, kv.GetPartition("mq.refcounts").Count());
        Assert.Empty(store.ReadBatch("b", 10).Messages);
    }

    [Fact]
    public void ReadBatch_AllProperties_RoundTripsBodyPropertiesAndEnqueueTime()
    {
        var store = OpenStore(OpenBackend());
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9);
        var sent = new EdgeMessage("héllo"u8.ToArray())
        {
            Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["k"] = "v", ["ünï"] = "" },
            MessageId = "id", CorrelationId = "corr", ContentType = "application/json", ContentEncoding = "utf-8",
            UserId = "user", To = "/devices/d/messages/events", CreationTimeUtc = created, ExpiryTimeUtc = created.AddDays(1),
            InputName = "in", OutputName = "out", ConnectionDeviceId = "dev", ConnectionModuleId = "mod",
        };

        store.Enqueue("one", sent);
        var got = Assert.Single(store.ReadBatch("a", 10).Messages);

        Assert.Equal(("a", 1L, Clock.GetUtcNow()), (got.Endpoint, got.Sequence, got.EnqueuedTimeUtc));
        var m = got.Message;
        Assert.Equal(sent.Body.ToArray(), m.Body.ToArray());
        Assert.Equal(sent.Properties.OrderBy(p => p.Key, StringComparer.Ordinal), m.Properties.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(
            (sent.MessageId, sent.CorrelationId, sent.ContentType, sent.ContentEncoding, sent.UserId, sent.To, sent.CreationTimeUtc, sent.ExpiryTimeUtc),
            (m.MessageId, m.CorrelationId, m.ContentType, m.ContentEncoding, m.UserId, m.To, m.CreationTimeUtc, m.ExpiryTimeUtc));
        Assert.Equal(
            (sent.InputName, sent.OutputName, sent.ConnectionDeviceId, sent.ConnectionModuleId),
            (m.InputName, m.OutputName, m.ConnectionDeviceId, m.ConnectionModuleId));
    }

    [Fact]
    public void ReadBatch_ManyMessages_ReturnsEachEndpointInEnqueueOrder()
    {
        var store = OpenStore(OpenBackend());
        for (var i = 0; i < 250; i++)
        {
            store.Enqueue(i % 3 == 0 ? "one" : "in", Message(i));
        }

        var a = ReadAll(store, "a", 32);
        var b = ReadAll(store, "b", 32);

        Assert.Equal(Enumerable.Range(0, 250), a.Select(IndexOf));
        Assert.Equal(Enumerable.Range(0, 250).Where(i => i % 3 != 0), b.Select(IndexOf));
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), a.Select(m => m.Sequence));
    }

    [Fact]
    public void ReadBatch_ByteLimit_EndsAfterTheMessageThatReachesItAndAlwaysReadsOne()
    {
        var store = OpenStore(OpenBackend());
        for (var i = 0; i < 10; i++)
        {
            store.Enqueue("one", Message(i, bodyBytes: 1000));
        }

        // Each record is a little over 1000 bytes: the third one reaches 2500.
        var batch = store.ReadBatch("a", 100, maxBytes: 2500);
        Assert.Equal([0, 1, 2], batch.Messages.Select(IndexOf));

        // A limit below one record still reads that record, so a large message cannot stall its queue.
        Assert.Equal([0], store.ReadBatch("a", 100, maxBytes: 1).Messages.Select(IndexOf));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadBatch("a", 100, maxBytes: 0));
    }

    [Fact]
    public void Enqueue_UnroutedInput_StoresNothingAndLogsOnce()
    {
        var kv = OpenBackend();
        var store = OpenStore(kv);

        var first = store.Enqueue("nowhere", Message(1));
        store.Enqueue("nowhere", Message(2));

        Assert.False(first.IsRouted);
        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
        Assert.Equal(1, StoreLog.Count(3001));
    }

    [Fact]
    public void Enqueue_Concurrently_GivesDenseOrderedSequencesPerEndpoint()
    {
        var store = OpenStore(OpenBackend());

        Parallel.For(0, 4, new ParallelOptions { CancellationToken = Ct }, t =>
        {
            for (var i = 0; i < 200; i++)
            {
                store.Enqueue("in", Message((t * 1000) + i));
            }
        });

        var a = ReadAll(store, "a", 100);
        Assert.Equal(Enumerable.Range(1, 800).Select(i => (long)i), a.Select(m => m.Sequence));
        foreach (var thread in a.GroupBy(m => IndexOf(m) / 1000))
        {
            Assert.Equal(thread.Select(IndexOf).Order(), thread.Select(IndexOf));
        }

        Assert.Equal(a.Select(IndexOf), ReadAll(store, "b", 100).Select(IndexOf));
    }

    /// <summary>Reads and acknowledges the whole queue.</summary>
    internal static List<StoredMessage> ReadAll(MessageStore store, string endpoint, int batchSize)
    {
        var all = new List<StoredMessage>();
        for (var batch = store.ReadBatch(endpoint, batchSize); !batch.IsEmpty; batch = store.ReadBatch(endpoint, batchSize))
        {
            Assert.True(batch.Messages.Count <= batchSize);
            all.AddRange(batch.Messages);
            store.Acknowledge(batch);
        }

        return all;
    }
}
