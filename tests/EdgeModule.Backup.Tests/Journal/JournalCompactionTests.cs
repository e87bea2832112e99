using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Journal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;
using static EdgeModule.Backup.Tests.Journal.BackupJournalTests;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>Compaction: when it is due, that it loses nothing while writers go on, and a crash at each of its steps.</summary>
public sealed class JournalCompactionTests : IDisposable
{
    private readonly TempFolder _folder = new("journal-compaction");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void CompactionDue_GrowingBacklog_NeverOverwrites_Deadbytes_Do()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        using var journal = BackupJournal.Start(Manager(), store, null, new BackupJournalOptions { MinDeadBytesToCompact = 1000 }, cancellationToken: Ct);
        for (var i = 0; i < 200; i++)
        {
            p.Put(Key(i), Value(100));
            journal.Flush(Ct);
        }

        Assert.False(journal.GetStatistics().CompactionDue); // a backlog that only grows: every byte is live
        for (var i = 0; i < 150; i++)
        {
            p.Remove(Key(i));
            journal.Flush(Ct);
        }

        var statistics = journal.GetStatistics();
        Assert.True(statistics.DeadBytes > statistics.LiveBytes, $"dead {statistics.DeadBytes}, live {statistics.LiveBytes}");
        Assert.True(statistics.CompactionDue);
    }

    [Fact]
    public void CompactionDue_ChainPastMaxDeltas()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("messages");
        using var journal = BackupJournal.Start(Manager(), store, null, new BackupJournalOptions { MaxDeltas = 3 }, cancellationToken: Ct);
        for (var i = 0; i < 3; i++)
        {
            Assert.False(journal.GetStatistics().CompactionDue);
            p.Put(Key(i), Value(10));
            journal.Flush(Ct);
        }

        Assert.True(journal.GetStatistics().CompactionDue);
    }

    [Fact]
    public async Task CompactIfDue_WhileWritersAndFlushesGoOn_LosesNothingAndKeepsTheOldGeneration()
    {
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, partitions: 3, records: 3000, valueBytes: 200);
        var options = new BackupJournalOptions { MinDeadBytesToCompact = 0 };
        using var journal = BackupJournal.Start(Manager(), store, null, options, cancellationToken: Ct);
        var first = journal.CurrentPath;
        var p0 = store.GetPartition("p0");
        var p1 = store.GetPartition("p1");
        for (long i = 0; i < 3000; i++)
        {
            if (i % 4 != 0)
            {
                store.GetPartition($"p{i % 3}").Remove(BulkKey(i));
            }
        }

        journal.Flush(Ct);
        Assert.True(journal.GetStatistics().CompactionDue);

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(
            () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    p1.Put(Key(100_000 + (i % 5000)), Value(50, (byte)i));
                    p1.Remove(Key(100_000 + ((i + 2500) % 5000)));
                    if (i % 100 == 0)
                    {
                        journal.Flush(CancellationToken.None);
                    }
                }
            },
            Ct);
        Assert.True(journal.CompactIfDue());
        while (journal.IsCompacting)
        {
            await Task.Yield();
        }

        await stop.CancelAsync();
        await writer;
        journal.FlushFinal(DateTimeOffset.MaxValue, Ct);

        var statistics = journal.GetStatistics();
        Assert.NotEqual(first, journal.CurrentPath);
        Assert.Equal(2, statistics.FullGenerations);
        Assert.Equal(2, Manager().ListGenerations().Count);
        AssertRestoresTo(store);
    }

    /// <summary>
    /// A crash at every fault point of a compaction (the writes and flushes of the base, the last delta of the old
    /// generation, the first delta of the new one, rename, folder flush, deletion of the oldest): the folder restores,
    /// to the state at the last flush or to the state the compaction reached, never less.
    /// </summary>
    [Fact]
    public void WriteFullGeneration_CrashAtEveryFaultPoint_LeavesARestorableFolderWithNothingLost()
    {
        var points = new List<BackupFaultPoint>();
        for (var crashAt = 1; ; crashAt++)
        {
            using var folder = new TempFolder("journal-crash");
            using var store = new InMemoryStore();
            StoreContent.FillAwkward(store, withLargeValue: false);
            var calls = 0;
            var armed = false;
            var crashed = false;
            var wroteDuringBase = false;
            Action<BackupFaultPoint> hook = point =>
            {
                if (!armed)
                {
                    return;
                }

                if (++calls == crashAt)
                {
                    points.Add(point);
                    crashed = true;
                    throw new FaultInjectedException($"crash at {point}");
                }

                if (point == BackupFaultPoint.Write && !wroteDuringBase)
                {
                    // Writers go on while the base is written: the old generation's last delta and the new one's first.
                    wroteDuringBase = true;
                    var m = store.GetPartition("messages");
                    m.Put(Key(-1), Value(77));
                    m.Remove(BitConverter.GetBytes(5).Reverse().ToArray());
                    store.GetOrCreatePartition("during").Put([1], [2]);
                }
            };
            var manager = new BackupManager(new BackupOptions { Folder = folder.Path, FaultHook = hook, KeepGenerations = 2 });
            var journal = BackupJournal.Start(manager, store, null, cancellationToken: Ct);
            journal.WriteFullGeneration(null, Ct); // a second generation, so that the next one deletes the first
            store.GetPartition("messages").Put(Key(-2), Value(5));
            journal.Flush(Ct);
            var flushed = StoreContent.Read(store);
            armed = true;
            try
            {
                journal.WriteFullGeneration(null, Ct);
            }
            catch (FaultInjectedException)
            {
            }
            finally
            {
                armed = false;
            }

            if (!crashed)
            {
                journal.Dispose();
                break;
            }

            var now = StoreContent.Read(store);
            journal.Dispose();
            using var restored = new InMemoryStore();
            var result = new BackupManager(new BackupOptions { Folder = folder.Path }).Restore(restored, Ct);

            Assert.True(result.Outcome == RestoreOutcome.Restored, $"crash {crashAt} at {points[^1]}: {string.Join("; ", result.Problems)}");
            Assert.Empty(result.Quarantined);
            var got = StoreContent.Read(restored);
            var isNow = Same(now, got);
            Assert.True(isNow || Same(flushed, got), $"crash {crashAt} at {points[^1]}: restored neither the flushed state nor the current one");
            if (points[^1] is BackupFaultPoint.Rename or BackupFaultPoint.FlushDirectory or BackupFaultPoint.DeleteOld)
            {
                Assert.True(isNow, $"crash {crashAt} at {points[^1]}: the last delta of the old generation was lost");
            }
        }

        Assert.Contains(BackupFaultPoint.CreateTemp, points);
        Assert.Contains(BackupFaultPoint.Rename, points);
        Assert.Contains(BackupFaultPoint.FlushDirectory, points);
        Assert.Contains(BackupFaultPoint.DeleteOld, points);
        Assert.True(points.Count(p => p == BackupFaultPoint.FlushFile) >= 3, string.Join(", ", points)); // base, old delta, new delta
    }

    private static byte[] BulkKey(long i)
    {
        var key = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key, i);
        return key;
    }

    private static bool Same(
        SortedDictionary<string, List<(byte[] Key, byte[] Value)>> a, SortedDictionary<string, List<(byte[] Key, byte[] Value)>> b) =>
        a.Keys.SequenceEqual(b.Keys) && a.All(kv => kv.Value.Count == b[kv.Key].Count
            && kv.Value.Zip(b[kv.Key]).All(x => x.First.Key.AsSpan().SequenceEqual(x.Second.Key) && x.First.Value.AsSpan().SequenceEqual(x.Second.Value)));

    private BackupManager Manager() => new(new BackupOptions { Folder = _folder.Path });

    private void AssertRestoresTo(InMemoryStore expected)
    {
        using var restored = new InMemoryStore();
        var result = Manager().Restore(restored, Ct);
        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        StoreContent.AssertEqual(StoreContent.Read(expected), restored);
    }
}
