using EdgeModule.Backup.Format;
using EdgeModule.Backup.Journal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;
using static EdgeModule.Backup.Tests.Journal.BackupJournalTests;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>
/// A kill or a power cut mid-append leaves a torn last delta. At every byte offset: the restore gives the state of the
/// last sound delta and reports the dropped bytes, and a journal continuing the file first sets the torn bytes aside
/// in quarantine (never deleted), then appends after the sound prefix. The deltas hold run frames, so a tear inside a
/// run (between its values) is covered too.
/// </summary>
public sealed class TornTailTests : IDisposable
{
    private readonly TempFolder _folder = new("journal-torn");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Restore_TornLastDeltaAtEveryOffset_RestoresSoundPrefix_AndJournalContinuesAfterIt()
    {
        // A generation with a base and three deltas, with run frames of records and of removals; the state after each commit.
        var source = _folder.Sub("source");
        var states = new List<SortedDictionary<string, List<(byte[] Key, byte[] Value)>>>();
        string path;
        using (var store = new InMemoryStore())
        {
            var p = store.GetOrCreatePartition("messages");
            p.Put(Key(0), Value(20));
            using var journal = BackupJournal.Start(new BackupManager(new BackupOptions { Folder = source }), store, null, cancellationToken: Ct);
            path = journal.CurrentPath!;
            states.Add(StoreContent.Read(store));
            for (var i = 1; i <= 4; i++)
            {
                p.Put(Key(i), Value(6 * i, (byte)i));
            }

            p.Remove(Key(0));
            journal.Flush(Ct);
            states.Add(StoreContent.Read(store));
            var second = store.GetOrCreatePartition("second");
            second.Put(Key(2), Value(3, 2));
            second.Put(Key(3), Value(0));
            journal.Flush(Ct);
            states.Add(StoreContent.Read(store));
            store.DropPartition("second");
            p.Put(Key(1), Value(40, 3));
            p.Remove(Key(2));
            p.Remove(Key(3));
            p.Remove(Key(4));
            journal.Flush(Ct);
            states.Add(StoreContent.Read(store));
        }

        var types = FrameFile.Read(path).Frames.ConvertAll(f => f.Type);
        Assert.Equal(2, types.Count(t => t == FrameType.RecordRun));
        Assert.Single(types, t => t == FrameType.RemoveRun);
        var bytes = File.ReadAllBytes(path);
        var commits = DeltaFormatTests.CommitEnds(path);
        for (var length = (int)commits[0]; length <= bytes.Length; length++)
        {
            using var folder = new TempFolder("journal-torn-case");
            var name = Path.Combine(folder.Path, Path.GetFileName(path));
            File.WriteAllBytes(name, bytes[..length]);
            var sound = commits.FindLastIndex(c => c <= length);
            var manager = new BackupManager(new BackupOptions { Folder = folder.Path });

            using var restored = new InMemoryStore();
            var result = manager.Restore(restored, Ct);

            Assert.Equal(RestoreOutcome.Restored, result.Outcome);
            Assert.Equal(sound, result.DeltasApplied);
            Assert.Equal(length - commits[sound], result.DroppedTailBytes);
            StoreContent.AssertEqual(states[sound], restored);

            // The journal continues: the torn bytes go to quarantine, the next delta follows the sound prefix.
            using (var journal = BackupJournal.Start(manager, restored, result.AppendPoint, cancellationToken: Ct))
            {
                if (length > commits[sound])
                {
                    Assert.NotNull(journal.TornTailCopy);
                    Assert.Equal(bytes[(int)commits[sound]..length], File.ReadAllBytes(journal.TornTailCopy!));
                }
                else
                {
                    Assert.Null(journal.TornTailCopy);
                }

                restored.GetOrCreatePartition("after").Put([7], [7]);
                journal.Flush(Ct);
            }

            var expected = StoreContent.Read(restored);
            using var again = new InMemoryStore();
            var second = manager.Restore(again, Ct);
            Assert.Equal(0, second.DroppedTailBytes);
            Assert.Equal(sound + 1, second.DeltasApplied);
            StoreContent.AssertEqual(expected, again);
        }
    }
}
