using EdgeModule.Backup.Format;
using EdgeModule.Backup.Journal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Backup.Writing;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using static EdgeModule.Backup.Tests.Journal.BackupJournalTests;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>
/// Run frames through the journal's writer and back: which frames a delta's keys become (runs only of two or more
/// consecutive keys of one length and one kind, cut at the frame bound), and that the same changes written with runs
/// and as plain frames read as the same entries with the same counts, and restore to the store's content.
/// </summary>
public sealed class RunFrameTests : IDisposable
{
    private readonly TempFolder _folder = new("run-frames");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Delta_RunsAtPartitionBoundaries_EndWithTheirPartition()
    {
        var types = WriteBoth(
            _ => { },
            store =>
            {
                PutAll(store.GetOrCreatePartition("a"), [1, 2, 3]);
                PutAll(store.GetOrCreatePartition("b"), [4, 5, 6]);
            });

        Assert.Equal([FrameType.Partition, FrameType.RecordRun, FrameType.Partition, FrameType.RecordRun], types);
    }

    [Fact]
    public void Delta_RunBrokenByAGap_IsTwoRunsAndASingleKeyIsAPlainFrame()
    {
        var types = WriteBoth(_ => { }, store => PutAll(store.GetOrCreatePartition("p"), [1, 2, 3, 5, 6, 8]));

        Assert.Equal([FrameType.Partition, FrameType.RecordRun, FrameType.RecordRun, FrameType.Record], types);
    }

    [Fact]
    public void Delta_RunBrokenByAKeyOfAnotherLength_StartsAgainAtTheNewLength()
    {
        var types = WriteBoth(
            _ => { },
            store =>
            {
                var p = store.GetOrCreatePartition("p");
                foreach (var key in new byte[][] { [], [0x01], [0x02], [0x02, 0x00], [0x02, 0x01], [0x03] })
                {
                    p.Put(key, [0x42]);
                }
            });

        // [] has no successor; [02] → [02 00] changes length; [02 01] → [03] too.
        Assert.Equal([FrameType.Partition, FrameType.Record, FrameType.RecordRun, FrameType.RecordRun, FrameType.Record], types);
    }

    [Fact]
    public void Delta_RemovalsBetweenRecords_BreakTheRecordRunAndFormTheirOwn()
    {
        var types = WriteBoth(
            store => PutAll(store.GetOrCreatePartition("p"), Enumerable.Range(1, 10).ToArray()),
            store =>
            {
                var p = store.GetPartition("p");
                PutAll(p, [1, 2]);
                p.Remove(Key(3));
                PutAll(p, [4, 5]);
                foreach (var i in new[] { 6, 7, 8 })
                {
                    p.Remove(Key(i));
                }
            });

        Assert.Equal([FrameType.Partition, FrameType.RecordRun, FrameType.Remove, FrameType.RecordRun, FrameType.RemoveRun], types);
    }

    [Fact]
    public void Delta_LongRecordRun_IsCutIntoFramesThatFitTheReadersHeadroom()
    {
        // 200 values of 1,000 bytes: 65 fit in a frame (1 + 4 + 65 × 1,002 = 65,135 bytes; 66 would pass 65,527).
        var path = WriteBothPaths(_ => { }, store => PutAll(store.GetOrCreatePartition("p"), Enumerable.Range(1, 200).ToArray(), valueBytes: 1000));

        var frames = FrameFile.Read(path).Frames.FindAll(f => f.Type == FrameType.RecordRun);
        Assert.Equal([65_135, 65_135, 65_135, 5 + (5 * 1002)], frames.ConvertAll(f => f.Payload.Length));
        Assert.All(frames, f => Assert.InRange(f.Payload.Length + BackupFormat.FrameOverhead, 0, FileReadAhead.Headroom));
        Assert.True(65_135 + 1002 > DeltaWriter.MaxRunPayload);
    }

    [Fact]
    public void Delta_ABigValue_GoesInAPlainFrameAndTheKeysAroundItStayPlainOrRuns()
    {
        var types = WriteBoth(
            _ => { },
            store =>
            {
                var p = store.GetOrCreatePartition("p");
                p.Put(Key(1), Value(10));
                p.Put(Key(2), Value(100_000, 2));
                PutAll(p, [3, 4]);
            });

        Assert.Equal([FrameType.Partition, FrameType.Record, FrameType.Record, FrameType.RecordRun], types);
    }

    [Fact]
    public void Delta_LongRemoveRun_IsCutAtTheKeyBound()
    {
        // 10,000 removed keys of 8 bytes: 8,192 (64 KiB of keys) in the first frame, the rest in a second.
        var path = WriteBothPaths(
            store => PutKeys(store.GetOrCreatePartition("p"), [.. Enumerable.Range(1, 10_000).Select(i => JournalFiles.U64(i))]),
            store =>
            {
                var p = store.GetPartition("p");
                for (var i = 1; i <= 10_000; i++)
                {
                    p.Remove(JournalFiles.U64(i));
                }
            });

        var runs = FrameFile.Read(path).Frames.FindAll(f => f.Type == FrameType.RemoveRun);
        Assert.Equal([[0x80, 0x40, .. JournalFiles.U64(1)], [0x90, 0x0E, .. JournalFiles.U64(8193)]], runs.ConvertAll(f => f.Payload));
    }

    [Fact]
    public void Delta_RunEndingAtTheLargestKeyOfItsLength_IsWrittenAndRead()
    {
        var types = WriteBoth(_ => { }, store => PutKeys(store.GetOrCreatePartition("p"), [[0xFF, 0xFD], [0xFF, 0xFE], [0xFF, 0xFF], [0xFF, 0xFF, 0x00]]));

        Assert.Equal([FrameType.Partition, FrameType.RecordRun, FrameType.Record], types);
    }

    [Fact]
    public void Delta_MessageStoreLayout_SavesTheFramingAndKeyOfAllButTheFirstKeyOfARun()
    {
        // 1,000 messages (a 1,100-byte record and a 21-byte queue entry under u64 keys) stored, then removed. Plain
        // frames spend 9 B of framing, the key and its length on each: 18 + 18 + 17 + 17 B a message; runs about 2 + 1.
        long plain = 0, runs = 0;
        WriteBothPaths(
            _ => { },
            store =>
            {
                var records = store.GetOrCreatePartition("mq.messages");
                var queue = store.GetOrCreatePartition("mq.queue.up");
                for (var n = 1; n <= 1000; n++)
                {
                    records.Put(JournalFiles.U64(n), Value(1100));
                    queue.Put(JournalFiles.U64(n), Value(21));
                }
            },
            (p, r) => (plain, runs) = (plain + p, runs + r),
            drainAfter: store =>
            {
                for (var n = 1; n <= 1000; n++)
                {
                    store.GetPartition("mq.messages").Remove(JournalFiles.U64(n));
                    store.GetPartition("mq.queue.up").Remove(JournalFiles.U64(n));
                }
            });

        Assert.InRange((plain - runs) / 1000.0, 66, 67);
    }

    [Fact]
    public void Journal_MessageStoreLoad_RestoresInMemoryAndRocksDb_AndUpToEverySequence()
    {
        // Each flush: a run of new messages and queue entries, and the removal of the previous flush's.
        using var store = new InMemoryStore();
        var messages = store.GetOrCreatePartition("mq.messages");
        var queue = store.GetOrCreatePartition("mq.queue.up");
        var states = new List<(long Sequence, SortedDictionary<string, List<(byte[] Key, byte[] Value)>> Content)>();
        string path;
        using (var journal = BackupJournal.Start(new BackupManager(new BackupOptions { Folder = _folder.Path }), store, null, cancellationToken: Ct))
        {
            path = journal.CurrentPath!;
            states.Add((store.Sequence, StoreContent.Read(store)));
            for (var round = 0; round < 4; round++)
            {
                for (var i = 0; i < 50; i++)
                {
                    var n = (round * 50) + i + 1;
                    messages.Put(JournalFiles.U64(n), Value(300, (byte)n));
                    queue.Put(JournalFiles.U64(n), Value(21, (byte)round));
                    if (round > 0)
                    {
                        messages.Remove(JournalFiles.U64(n - 50));
                        queue.Remove(JournalFiles.U64(n - 50));
                    }
                }

                journal.Flush(Ct);
                states.Add((store.Sequence, StoreContent.Read(store)));
            }
        }

        var types = FrameFile.Read(path).Frames.ConvertAll(f => f.Type);
        Assert.DoesNotContain(FrameType.Record, types);
        Assert.DoesNotContain(FrameType.Remove, types);
        Assert.Equal(6, types.Count(t => t == FrameType.RemoveRun));

        foreach (var backend in StoreFactory.All)
        {
            using var target = StoreFactory.Create(backend, _folder);
            Assert.Equal(4, new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, Ct).DeltasApplied);
            StoreContent.AssertEqual(states[^1].Content, target);
        }

        foreach (var (sequence, content) in states)
        {
            using var target = new InMemoryStore();
            var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).RestoreFileUpTo(path, target, new RestorePoint(Sequence: sequence), Ct);
            StoreContent.AssertEqual(content, target);
            Assert.Equal(states.FindIndex(s => s.Sequence == sequence), result.DeltasApplied);
        }
    }

    [Fact]
    public void Journal_ContinuingAVersion2Generation_AppendsPlainFramesAndTheFileStaysVersion2()
    {
        File.Copy(Path.Combine(BackupFiles.GoldenFolder(), "v2-deltas.ebk"), Path.Combine(_folder.Path, "backup-000000000001.ebk"));
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        using var store = new InMemoryStore();
        var restored = manager.Restore(store, Ct);
        var before = FrameFile.Read(restored.AppendPoint!.Path).Frames.Count;

        using (var journal = BackupJournal.Start(manager, store, restored.AppendPoint, cancellationToken: Ct))
        {
            Assert.Null(journal.InitialGeneration); // continued, not rewritten
            PutAll(store.GetOrCreatePartition("mq.messages"), [1, 2, 3, 4]);
            store.GetPartition("alpha").Remove("a"u8.ToArray());
            store.GetPartition("alpha").Remove("c"u8.ToArray());
            store.GetPartition("alpha").Remove("d"u8.ToArray());
            journal.Flush(Ct);
            Assert.Equal(restored.AppendPoint.Path, journal.CurrentPath);
        }

        var file = FrameFile.Read(restored.AppendPoint.Path);
        Assert.Equal(
            [
                FrameType.SegmentStart, FrameType.Partition, FrameType.Remove, FrameType.Remove, FrameType.Remove,
                FrameType.Partition, FrameType.Record, FrameType.Record, FrameType.Record, FrameType.Record, FrameType.Commit,
            ],
            file.Frames.Skip(before).Select(f => f.Type));
        var verification = BackupVerifier.Verify(restored.AppendPoint.Path, Ct);
        Assert.True(verification.Sound, verification.Reason);
        Assert.Equal(2, verification.Header!.FormatVersion);
        Assert.Equal(3, verification.Deltas);
        using var again = new InMemoryStore();
        manager.Restore(again, Ct);
        StoreContent.AssertEqual(StoreContent.Read(store), again);
    }

    [Fact]
    public async Task Journal_CompactingAVersion2Generation_WritesVersion3WithRunsFromThenOn()
    {
        File.Copy(Path.Combine(BackupFiles.GoldenFolder(), "v2-deltas.ebk"), Path.Combine(_folder.Path, "backup-000000000001.ebk"));
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        using var store = new InMemoryStore();
        var restored = manager.Restore(store, Ct);
        var old = restored.AppendPoint!.Path;

        using (var journal = BackupJournal.Start(manager, store, restored.AppendPoint, new BackupJournalOptions { MaxDeltas = 3 }, cancellationToken: Ct))
        {
            PutAll(store.GetOrCreatePartition("mq.messages"), [1, 2, 3, 4]);
            journal.Flush(Ct); // the third delta of the version-2 file: compaction is due
            Assert.True(journal.CompactIfDue());
            await journal.Compaction.WaitAsync(TimeSpan.FromMinutes(1), Ct);
            PutAll(store.GetPartition("mq.messages"), [5, 6, 7, 8]);
            journal.Flush(Ct);
            Assert.NotEqual(old, journal.CurrentPath);
            Assert.Equal(BackupFormat.CurrentVersion, BackupVerifier.Verify(journal.CurrentPath!, Ct).Header!.FormatVersion);
            Assert.Contains(FrameType.RecordRun, FrameFile.Read(journal.CurrentPath!).Frames.ConvertAll(f => f.Type));
        }

        Assert.Equal(2, BackupVerifier.Verify(old, Ct).Header!.FormatVersion);
        Assert.DoesNotContain(FrameType.RecordRun, FrameFile.Read(old).Frames.ConvertAll(f => f.Type));
        using var again = new InMemoryStore();
        manager.Restore(again, Ct);
        StoreContent.AssertEqual(StoreContent.Read(store), again);
    }

    private static void PutAll(IPartition partition, int[] keys, int valueBytes = 5)
    {
        foreach (var i in keys)
        {
            partition.Put(Key(i), Value(valueBytes, (byte)i));
        }
    }

    private static void PutKeys(IPartition partition, byte[][] keys)
    {
        foreach (var key in keys)
        {
            partition.Put(key, [.. key, 0x42]);
        }
    }

    /// <summary>Frame types of the delta written with runs, between its SegmentStart and Commit.</summary>
    private List<FrameType> WriteBoth(Action<IKeyValueStore> fill, Action<IKeyValueStore> change)
    {
        var types = FrameFile.Read(WriteBothPaths(fill, change)).SegmentTypes(1);
        return types[1..^1];
    }

    /// <summary>
    /// Fills a store, backs it up, changes it and appends the change set twice: with run frames and as plain frames
    /// (then the same for <paramref name="drainAfter"/>, when given). Both must read as the same entries with the same
    /// counts and restore to the store; returns the file with runs. <paramref name="sizes"/> gets each delta's bytes.
    /// </summary>
    private string WriteBothPaths(
        Action<IKeyValueStore> fill, Action<IKeyValueStore> change, Action<long, long>? sizes = null, Action<IKeyValueStore>? drainAfter = null)
    {
        using var store = new InMemoryStore();
        fill(store);
        var tracker = store.EnableChangeTracking();
        var runs = new BackupManager(new BackupOptions { Folder = _folder.Sub("runs") }).Backup(store, cancellationToken: Ct).Path;
        var plain = Path.Combine(_folder.Sub("plain"), Path.GetFileName(runs));
        File.Copy(runs, plain);
        var deltas = 0;
        foreach (var step in drainAfter is null ? [change] : new[] { change, drainAfter })
        {
            step(store);
            var changes = tracker.Drain();
            var runBytes = JournalFiles.WriteDelta(runs, changes, DateTimeOffset.UtcNow, runFrames: true);
            var plainBytes = JournalFiles.WriteDelta(plain, changes, DateTimeOffset.UtcNow, runFrames: false);
            Assert.True(runBytes <= plainBytes, $"{runBytes} > {plainBytes}");
            sizes?.Invoke(plainBytes, runBytes);
            deltas++;
            var withRuns = BackupVerifier.Verify(runs, Ct);
            Assert.Equal(changes.KeyCount, withRuns.LastCommit!.Records);
            Assert.Equal(changes.Bytes, withRuns.LastCommit.RecordBytes);
        }

        var (sound, soundPlain) = (BackupVerifier.Verify(runs, Ct), BackupVerifier.Verify(plain, Ct));
        Assert.True(sound.Sound, sound.Reason);
        Assert.True(soundPlain.Sound, soundPlain.Reason);
        Assert.Equal(deltas, sound.Deltas);
        Assert.Equal(
            (soundPlain.Partitions, soundPlain.Records, soundPlain.RecordBytes, soundPlain.LongestKey, soundPlain.LongestValue),
            (sound.Partitions, sound.Records, sound.RecordBytes, sound.LongestKey, sound.LongestValue));
        Assert.Equal(DeltaFormatTests.DeltaEntries(plain), DeltaFormatTests.DeltaEntries(runs));
        foreach (var path in new[] { runs, plain })
        {
            using var restored = new InMemoryStore();
            new BackupManager(new BackupOptions { Folder = Path.GetDirectoryName(path)! }).Restore(restored, Ct);
            StoreContent.AssertEqual(StoreContent.Read(store), restored);
        }

        return runs;
    }
}
