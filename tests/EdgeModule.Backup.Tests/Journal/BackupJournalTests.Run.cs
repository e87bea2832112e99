using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Journal;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>The journal's loop: group commits for durable acknowledgements, and an interval changed while it waits.</summary>
public sealed partial class BackupJournalTests
{
    [Fact]
    public async Task WhenDurableAsync_ManyWaiters_OneFlushOneSync()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        using var journal = BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct);
        var waiters = new List<Task>();
        for (var i = 0; i < 100; i++)
        {
            p.Put(Key(i), Value(50));
            waiters.Add(journal.WhenDurableAsync(Ct));
        }

        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        _faults.Clear();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = journal.RunAsync(stop.Token); // checkpoint interval 1 s of real time: the waiters wake it at once
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await stop.CancelAsync();
        await loop;

        Assert.Equal(1, _faults.Count(f => f == BackupFaultPoint.FlushFile));
        Assert.Equal(1, journal.GetStatistics().Flushes);
        Assert.True(journal.WhenDurableAsync(Ct).IsCompleted); // nothing new: durable already
        AssertRestoresTo(store);
    }

    [Fact]
    public async Task CheckpointInterval_ShortenedWhileTheLoopWaits_FlushesWithoutWaitingTheOldInterval()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var manager = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            FaultHook = point =>
            {
                if (point == BackupFaultPoint.FlushFile)
                {
                    flushed.TrySetResult();
                }
            },
        });
        var options = new BackupJournalOptions { CheckpointInterval = TimeSpan.FromHours(1) };
        using var journal = BackupJournal.Start(manager, store, continueFrom: null, options, cancellationToken: Ct);
        flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // the start's full generation
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = journal.RunAsync(stop.Token);
        p.Put(Key(1), Value(10));

        journal.CheckpointInterval = TimeSpan.FromMilliseconds(20);
        await flushed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await stop.CancelAsync();
        await loop;

        Assert.Equal(TimeSpan.FromMilliseconds(20), journal.CheckpointInterval);
        Assert.Throws<ArgumentOutOfRangeException>(() => journal.CheckpointInterval = TimeSpan.Zero);
        AssertRestoresTo(store);
    }
}
