using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage;

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
}
