using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Messaging.Tests;

/// <summary>The in-memory backend's own byte limit, below the message store's.</summary>
public sealed class InMemoryMessageStoreLimitTests() : MessagingTestBase(Backend.Memory)
{
    [Fact]
    public void Enqueue_BackendMemoryLimitReached_PropagatesStoreFullAndWritesNothing()
    {
        MemoryLimitBytes = 64 * 1024;
        var kv = OpenBackend();
        var store = OpenStore(kv);
        var stored = 0;

        var error = Assert.Throws<StoreFullException>(void () =>
        {
            while (true)
            {
                store.Enqueue("in", Message(stored, 1000));
                stored++;
            }
        });

        Assert.IsNotType<MessageStoreFullException>(error);
        Assert.Equal(stored, store.GetStats().MessageCount);
        Assert.Equal(stored, kv.GetPartition("mq.messages").Count());
        Assert.Equal(stored, kv.GetPartition("mq.queue.b").Count());
        Assert.Equal(1, StoreLog.Count(3002));
    }

    [Fact]
    public void Enqueue_BackendLimitRefusalsThenSpaceFreed_LogsOnceAtWarningWithTheBackendsReasonAndOnceWhenItClears()
    {
        MemoryLimitBytes = 64 * 1024;
        var store = OpenStore(OpenBackend());
        var stored = 0;
        var error = Assert.Throws<StoreFullException>(void () =>
        {
            while (true)
            {
                store.Enqueue("one", Message(stored, 1000));
                stored++;
            }
        });
        for (var i = 0; i < 5; i++)
        {
            Assert.Throws<StoreFullException>(() => store.Enqueue("one", Message(stored, 1000)));
        }

        var full = Assert.Single(StoreLog.Entries, e => e.EventId is 3002 or 3018);
        Assert.Equal((3002, LogLevel.Warning), (full.EventId, full.Level));
        Assert.Contains(error.Message, full.Message, StringComparison.Ordinal);

        // Expiry frees the space: removes are always accepted, while a checkpoint write (a put) would be refused too.
        Clock.Advance(store.Options.TimeToLive);
        Assert.Equal(stored, store.Cleanup().ExpiredEntries);
        store.Enqueue("one", Message(stored, 1000));
        store.Enqueue("one", Message(stored + 1, 1000));

        Assert.Equal(1, StoreLog.Count(3003));
        Assert.Equal(1, StoreLog.Count(3002));
    }
}
