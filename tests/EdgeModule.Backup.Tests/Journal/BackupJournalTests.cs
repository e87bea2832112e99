using EdgeModule.Backup.Format;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Journal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>The journal on real files: what it writes, what a restart restores, group commit.</summary>
public sealed partial class BackupJournalTests : IDisposable
{
    private readonly TempFolder _folder = new("journal-tests");
    private readonly List<BackupFaultPoint> _faults = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Start_FreshStore_WritesAFullGenerationToAppendTo()
    {
        using var store = new InMemoryStore();
        store.GetOrCreatePartition("a").Put(Key(1), Value(10));

        using var journal = BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct);

        Assert.NotNull(journal.InitialGeneration);
        Assert.Equal(journal.InitialGeneration!.Path, journal.CurrentPath);
        Assert.Equal(1, journal.GetStatistics().FullGenerations);
        AssertRestoresTo(store);
    }

    [Fact]
    public void Flush_Idle_WritesNothingAndSyncsNothing()
    {
        using var store = new InMemoryStore();
        using var journal = BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct);
        var path = journal.CurrentPath!;
        var length = new FileInfo(path).Length;
        var written = File.GetLastWriteTimeUtc(path);
        _faults.Clear();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(0, journal.Flush(Ct));
        }

        Assert.Empty(_faults); // no Write, no FlushFile: not a byte, not an fsync
        Assert.Equal(length, new FileInfo(path).Length);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(0, journal.GetStatistics().Flushes);
    }

    [Fact]
    public void Flush_KeyWrittenAndRemovedWithinInterval_IsNeverWritten()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        using var journal = BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct);
        var length = new FileInfo(journal.CurrentPath!).Length;
        var secret = Value(1000, 0x5A);
        for (var i = 0; i < 100; i++)
        {
            p.Put(Key(i), secret);
        }

        for (var i = 0; i < 100; i++)
        {
            p.Remove(Key(i));
        }

        Assert.Equal(0, journal.Flush(Ct));
        Assert.Equal(length, new FileInfo(journal.CurrentPath!).Length);
        Assert.True(File.ReadAllBytes(journal.CurrentPath!).AsSpan().IndexOf(secret.AsSpan(0, 64)) < 0);
    }

    [Fact]
    public void Flush_Changes_OneWriteOneSyncPerDelta_AndRestartRestoresEverything()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        using (var journal = BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct))
        {
            for (var round = 0; round < 5; round++)
            {
                for (var i = 0; i < 50; i++)
                {
                    p.Put(Key((round * 50) + i), Value(100, (byte)round));
                }

                p.Remove(Key(round * 10));
                store.GetOrCreatePartition($"round-{round}");
                _faults.Clear();
                Assert.True(journal.Flush(Ct) > 0);
                Assert.Equal([BackupFaultPoint.Write, BackupFaultPoint.FlushFile], _faults);
            }

            var statistics = journal.GetStatistics();
            Assert.Equal(5, statistics.Flushes);
            Assert.Equal(5, statistics.Deltas);
            Assert.Equal(0, statistics.UnprotectedBytes);
            Assert.Equal(store.Sequence, statistics.DurableSequence);
        }

        // A "crash": no shutdown backup. The next start finds base + 5 deltas.
        AssertRestoresTo(store);
    }

    [Fact]
    public void Start_OnRestoredGeneration_ContinuesItsChainAcrossRestarts()
    {
        using var original = new InMemoryStore();
        var p = original.GetOrCreatePartition("messages");
        using (var journal = BackupJournal.Start(Manager(), original, continueFrom: null, cancellationToken: Ct))
        {
            p.Put(Key(1), Value(10));
            journal.Flush(Ct);
        }

        for (var restart = 0; restart < 3; restart++)
        {
            using var restored = new InMemoryStore();
            var result = Manager().Restore(restored, Ct);
            Assert.Equal(RestoreOutcome.Restored, result.Outcome);
            Assert.Equal(restart + 1, result.DeltasApplied);
            using var journal = BackupJournal.Start(Manager(), restored, result.AppendPoint, cancellationToken: Ct);
            Assert.Null(journal.InitialGeneration); // appended to, not rewritten
            Assert.True(restored.Sequence >= result.AppendPoint!.LastSequence);
            restored.GetPartition("messages").Put(Key(100 + restart), Value(10));
            p.Put(Key(100 + restart), Value(10));
            journal.Flush(Ct);
        }

        AssertRestoresTo(original);
        Assert.Single(Manager().ListGenerations());
    }

    [Fact]
    public void Statistics_ReportUnprotectedBytesAndAge()
    {
        var time = new ManualTimeProvider(BackupFiles.GoldenTime);
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        using var journal = BackupJournal.Start(Manager(time), store, continueFrom: null, timeProvider: time, cancellationToken: Ct);
        p.Put(Key(1), Value(96));
        time.Advance(TimeSpan.FromMilliseconds(700));

        var before = journal.GetStatistics();
        journal.Flush(Ct);
        var after = journal.GetStatistics();

        Assert.Equal(100, before.UnprotectedBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(700), before.UnprotectedAge);
        Assert.Equal(BackupFiles.GoldenTime, before.OldestUnprotectedChange);
        Assert.Equal(0, after.UnprotectedBytes);
        Assert.Null(after.OldestUnprotectedChange);
        Assert.True(after.JournalBytesWritten > 100);
        Assert.True(after.FullGenerationBytesWritten > 0);
        Assert.Equal(100, after.LiveBytes);
    }

    [Fact]
    public void Start_StoreAlreadyTracked_Throws()
    {
        using var store = new InMemoryStore();
        store.EnableChangeTracking();
        Assert.Throws<InvalidOperationException>(() => BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct));
    }

    [Fact]
    public void Start_OnVersion1Generation_WritesAFullGenerationOfTheCurrentVersion()
    {
        File.Copy(Path.Combine(BackupFiles.GoldenFolder(), "v1-small.ebk"), Path.Combine(_folder.Path, "backup-000000000001.ebk"));
        using var store = new InMemoryStore();
        var result = Manager().Restore(store, Ct);
        Assert.False(result.AppendPoint!.CanAppend);

        using var journal = BackupJournal.Start(Manager(), store, result.AppendPoint, cancellationToken: Ct);

        Assert.Equal(2, journal.InitialGeneration!.Generation);
        Assert.Equal(BackupFormat.CurrentVersion, BackupVerifier.Verify(journal.CurrentPath!, Ct).Header!.FormatVersion);
        store.GetPartition("alpha").Put("z"u8.ToArray(), [1]);
        journal.Flush(Ct);
        AssertRestoresTo(store);
    }

    [Fact]
    public void Restore_MemoryJournalIntoRocksDb_LosesNothing()
    {
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false);
        using (var journal = BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct))
        {
            var messages = store.GetPartition("messages");
            for (var i = 0; i < 100; i += 3)
            {
                messages.Remove(BitConverter.GetBytes(i).Reverse().ToArray());
            }

            journal.Flush(Ct);
            store.DropPartition("empty");
            store.GetOrCreatePartition("later").Put([9], [9]);
            journal.Flush(Ct);
        }

        using var rocks = StoreFactory.Create(Backend.RocksDb, _folder);
        var result = Manager().Restore(rocks, Ct);

        Assert.Equal(2, result.DeltasApplied);
        StoreContent.AssertEqual(StoreContent.Read(store), rocks);
    }

    [Fact]
    public void RestoreFile_UpToASequence_StopsAfterTheLastDeltaAtOrBeforeIt()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        var states = new List<(long Sequence, SortedDictionary<string, List<(byte[] Key, byte[] Value)>> Content)>();
        string path;
        using (var journal = BackupJournal.Start(Manager(), store, continueFrom: null, cancellationToken: Ct))
        {
            path = journal.CurrentPath!;
            states.Add((store.Sequence, StoreContent.Read(store)));
            for (var round = 0; round < 4; round++)
            {
                p.Put(Key(round), Value(10, (byte)round));
                p.Remove(Key(round - 1));
                journal.Flush(Ct);
                states.Add((store.Sequence, StoreContent.Read(store)));
            }
        }

        foreach (var (sequence, content) in states)
        {
            using var target = new InMemoryStore();
            var result = Manager().RestoreFileUpTo(path, target, new RestorePoint(Sequence: sequence + 0), Ct);
            StoreContent.AssertEqual(content, target);
            Assert.Equal(states.FindIndex(s => s.Sequence == sequence), result.DeltasApplied);
        }
    }

    [Fact]
    public async Task Flush_AfterAFailedAppend_WritesAFullGenerationAndWaitersWaitForIt()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        var fail = false;
        var manager = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            FaultHook = point =>
            {
                if (fail && point == BackupFaultPoint.FlushFile)
                {
                    throw new IOException("injected: the disk refused the flush");
                }
            },
        });
        using var journal = BackupJournal.Start(manager, store, continueFrom: null, cancellationToken: Ct);
        var first = journal.CurrentPath!;
        var length = new FileInfo(first).Length;
        p.Put(Key(1), Value(10));
        var waiter = journal.WhenDurableAsync(Ct);
        fail = true;

        Assert.Throws<IOException>(() => journal.Flush(Ct));

        Assert.Equal(length, new FileInfo(first).Length); // cut back to the sound prefix
        Assert.False(waiter.IsCompleted);
        Assert.NotNull(journal.GetStatistics().LastError);
        fail = false;
        p.Put(Key(2), Value(10));
        journal.Flush(Ct); // the drained changes are in no file: a full generation, not a delta

        Assert.NotEqual(first, journal.CurrentPath);
        await waiter.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Null(journal.GetStatistics().LastError);
        AssertRestoresTo(store);
    }

    [Fact]
    public void FlushFinal_CompactionDueAndFits_WritesAFullGeneration_NotDue_OnlyTheDelta()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        var manager = Manager();
        manager.MeasureWriteSpeed(1 << 20, Ct);
        using (var journal = BackupJournal.Start(manager, store, null, new BackupJournalOptions { MaxDeltas = 2 }, cancellationToken: Ct))
        {
            p.Put(Key(1), Value(10));
            var notDue = journal.FlushFinal(DateTimeOffset.UtcNow.AddSeconds(30), Ct);
            Assert.True(notDue.DeltaBytes > 0);
            Assert.Null(notDue.Generation);
            Assert.Null(notDue.Estimate);

            p.Put(Key(2), Value(10));
            var due = journal.FlushFinal(DateTimeOffset.UtcNow.AddSeconds(30), Ct);
            Assert.True(due.Estimate!.Fits);
            Assert.NotNull(due.Generation);
            Assert.Equal(0, due.Statistics.Deltas);

            p.Put(Key(3), Value(10));
            journal.Flush(Ct);
            journal.Flush(Ct);
            p.Put(Key(4), Value(10));
            var late = journal.FlushFinal(DateTimeOffset.UtcNow, Ct); // due, but no time left: the delta only
            Assert.False(late.Estimate!.Fits);
            Assert.Null(late.Generation);
        }

        AssertRestoresTo(store);
    }

    [Fact]
    public void Backup_WhileAJournalRuns_GoesThroughTheJournal()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        var manager = Manager();
        using var journal = BackupJournal.Start(manager, store, continueFrom: null, cancellationToken: Ct);
        p.Put(Key(1), Value(10));

        var result = manager.Backup(store, cancellationToken: Ct);

        // The journal continues on the new generation: a later change is in it, not in a file older than the newest.
        Assert.Equal(result.Path, journal.CurrentPath);
        p.Put(Key(2), Value(10));
        journal.Flush(Ct);
        AssertRestoresTo(store);
        Assert.Throws<InvalidOperationException>(() => BackupJournal.Start(manager, new InMemoryStore(), null, cancellationToken: Ct));
    }

    internal static byte[] Key(int i) => BitConverter.GetBytes(i).Reverse().ToArray();

    internal static byte[] Value(int size, byte fill = 1) => Enumerable.Repeat(fill, size).ToArray();

    private BackupManager Manager(TimeProvider? time = null) =>
        new(new BackupOptions { Folder = _folder.Path, FaultHook = _faults.Add }, time);

    private void AssertRestoresTo(IKeyValueStore expected)
    {
        using var restored = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(restored, Ct);
        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        StoreContent.AssertEqual(StoreContent.Read(expected), restored);
    }
}
