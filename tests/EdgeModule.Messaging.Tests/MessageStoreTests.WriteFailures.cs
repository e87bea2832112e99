using EdgeModule.Messaging.Tests.Support;
using EdgeModule.Storage;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Messaging.Tests;

/// <summary>Issue 11 defect 7: a failing store write is logged at warning once per state change, and when it clears.</summary>
public abstract partial class MessageStoreTests
{
    [Fact]
    public void Enqueue_WritesFailThenWork_LogsTheFailureOnceWithItsTextAndOnceWhenItClears()
    {
        var kv = new FailingWritesStore(OpenBackend());
        var store = OpenStore(kv);
        store.Enqueue("one", Message(0));

        kv.FailWith = "IO error: No space left on device (injected)";
        for (var i = 0; i < 5; i++)
        {
            Assert.Throws<StorageException>(() => store.Enqueue("one", Message(1)));
        }

        var warning = Assert.Single(StoreLog.Entries, e => e.EventId == 3018);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("No space left on device (injected)", warning.Message, StringComparison.Ordinal);
        Assert.Equal(0, StoreLog.Count(3019));

        kv.FailWith = null;
        store.Enqueue("one", Message(1));
        store.Enqueue("one", Message(2));
        var cleared = Assert.Single(StoreLog.Entries, e => e.EventId == 3019);
        Assert.Contains("5 refused", cleared.Message, StringComparison.Ordinal);

        // A new run of failures is a new state change: logged again, once.
        kv.FailWith = "IO error: again (injected)";
        Assert.Throws<StorageException>(() => store.Enqueue("one", Message(3)));
        Assert.Throws<StorageException>(() => store.Enqueue("one", Message(3)));
        Assert.Equal(2, StoreLog.Count(3018));
        Assert.Equal(3, store.GetStats().MessageCount);
    }

    [Fact]
    public void Enqueue_FullThenWriteFailure_LogsEachStateChange()
    {
        var kv = new FailingWritesStore(OpenBackend());
        var store = OpenStore(kv, new MessageStoreOptions { Routes = Routes, MaxStoreBytes = 500 });
        while (store.GetStats().MessageBytes < 400)
        {
            store.Enqueue("one", Message(0, 50));
        }

        Assert.Throws<MessageStoreFullException>(() => store.Enqueue("one", Message(1, 200)));
        kv.FailWith = "IO error (injected)";
        Assert.Throws<StorageException>(() => store.Enqueue("one", Message(1, 10)));
        Assert.Throws<StorageException>(() => store.Enqueue("one", Message(1, 10)));

        Assert.Equal([3002, 3018], StoreLog.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.EventId));
    }
}
