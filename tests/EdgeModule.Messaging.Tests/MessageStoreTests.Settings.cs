namespace EdgeModule.Messaging.Tests;

/// <summary>The settings the twin changes while the store runs (TimeToLive, CleanupInterval, MaxStoreBytes).</summary>
public abstract partial class MessageStoreTests
{
    [Fact]
    public void TimeToLive_Shortened_AppliesToMessagesAlreadyStored()
    {
        var store = OpenStore(OpenBackend());
        store.Enqueue("one", Message(0));
        Clock.Advance(TimeSpan.FromSeconds(100));
        Assert.False(store.ReadBatch("a", 10).IsEmpty);

        store.TimeToLive = TimeSpan.FromSeconds(50);

        Assert.Equal(TimeSpan.FromSeconds(50), store.TimeToLive);
        Assert.Equal(MessageStoreOptions.DefaultTimeToLive, store.Options.TimeToLive);
        var cleaned = store.Cleanup();
        Assert.Equal(1, cleaned.ExpiredEntries);
    }

    [Fact]
    public void MaxStoreBytes_LoweredBelowWhatIsStored_RefusesNewOnly_RaisedAcceptsAgain()
    {
        var store = OpenStore(OpenBackend());
        store.Enqueue("in", Message(0, 1000));
        store.Enqueue("in", Message(1, 1000));

        store.MaxStoreBytes = 1000;
        Assert.Throws<MessageStoreFullException>(() => store.Enqueue("in", Message(2, 10)));
        Assert.Equal(2, store.GetStats().MessageCount);
        Assert.Equal(1000, store.GetStats().MaxStoreBytes);

        store.MaxStoreBytes = long.MaxValue;
        store.Enqueue("in", Message(3, 10));
        Assert.Equal(3, store.GetStats().MessageCount);
        Assert.Equal(1, StoreLog.Count(3003)); // "accepts messages again"
    }

    [Fact]
    public void Settings_OutOfRange_Throw_ValueUnchanged()
    {
        var store = OpenStore(OpenBackend());

        Assert.Throws<ArgumentOutOfRangeException>(() => store.TimeToLive = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.CleanupInterval = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.MaxStoreBytes = 0);

        Assert.Equal(MessageStoreOptions.DefaultTimeToLive, store.TimeToLive);
        Assert.Equal(MessageStoreOptions.DefaultCleanupInterval, store.CleanupInterval);
        Assert.Equal(MessageStoreOptions.DefaultMaxStoreBytes, store.MaxStoreBytes);
    }

    [Fact]
    public async Task CleanupInterval_ShortenedWhileTheLoopWaits_NextPassComesAtTheNewPeriod()
    {
        Assert.SkipWhen(RemoveOnCheckpoint, "delivered entries are removed at acknowledgement, not by cleanup");
        var kv = OpenBackend();
        var store = new MessageStore(kv, new MessageStoreOptions { Routes = Routes, CleanupInterval = TimeSpan.FromHours(1) }, TimeProvider.System, StoreLog);
        store.Enqueue("one", Message(0));
        ReadAll(store, "a", 10);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = store.RunCleanupLoopAsync(stop.Token);

        store.CleanupInterval = TimeSpan.FromMilliseconds(10);
        await StoreLog.WaitForAsync(3005).WaitAsync(Bound, Ct);
        await stop.CancelAsync();
        await loop.WaitAsync(Bound, Ct);

        Assert.Equal(0, kv.GetPartition("mq.messages").Count());
    }

    [Fact]
    public async Task RunCleanupLoopAsync_IntervalBeyondATimersRange_Runs()
    {
        var store = new MessageStore(OpenBackend(), new MessageStoreOptions { Routes = Routes, CleanupInterval = TimeSpan.FromSeconds(int.MaxValue) }, TimeProvider.System, StoreLog);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = store.RunCleanupLoopAsync(stop.Token);
        await stop.CancelAsync();
        await loop.WaitAsync(Bound, Ct);
        Assert.True(loop.IsCompletedSuccessfully);
    }
}
