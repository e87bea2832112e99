using EdgeModule.Backup.Journal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;
using static EdgeModule.Backup.Tests.Journal.BackupJournalTests;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>
/// Damage inside durable deltas is told from a torn append: a tear leaves only the segment being appended (even its
/// own commit, ahead of a page that never reached the disk), while damage is followed by intact commits of later
/// segments. Both restore the sound prefix; only damage is reported as such.
/// </summary>
public sealed class DamagedDeltaTests : IDisposable
{
    private readonly TempFolder _folder = new("journal-damage");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Verify_BitFlipInTheFirstOfThreeDeltas_IsDamageWithTwoLaterDeltas_RestoreStopsBeforeIt()
    {
        var (bytes, commits) = Generation();
        var damaged = bytes.ToArray();
        var middleOfFirstDelta = (int)((commits[0] + commits[1]) / 2);
        damaged[middleOfFirstDelta] ^= 0x10;
        var path = Write("flipped", damaged);

        var verification = BackupVerifier.Verify(path, Ct);

        Assert.True(verification.Sound);
        Assert.True(verification.DamagedBeforeTail);
        Assert.Equal(2, verification.CommitsAfterDamage);
        Assert.Equal(0, verification.Deltas);
        Assert.Equal(damaged.Length - commits[0], verification.DroppedTailBytes);

        using var restored = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = Path.GetDirectoryName(path)! }).Restore(restored, Ct);
        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Equal(0, result.DeltasApplied);
        Assert.Equal(2, result.CommitsAfterDamage);
    }

    [Fact]
    public void Verify_TornLastDelta_AtEveryOffset_IsNotDamage()
    {
        var (bytes, commits) = Generation();
        for (var length = (int)commits[2] + 1; length < bytes.Length; length++)
        {
            var verification = BackupVerifier.Verify(Write("torn", bytes[..length]), Ct);

            Assert.True(verification.Sound);
            Assert.Equal(0, verification.CommitsAfterDamage);
            Assert.Equal(length - commits[2], verification.DroppedTailBytes);
        }
    }

    [Fact]
    public void Verify_LastDeltaWithAHoleBeforeItsOwnCommit_IsATearNotDamage()
    {
        // Pages written back out of order before a power cut: the delta's commit reached the disk, a page before it did not.
        var (bytes, commits) = Generation();
        var holed = bytes.ToArray();
        Array.Clear(holed, (int)commits[2] + 20, (int)((commits[3] - commits[2]) / 2));
        var verification = BackupVerifier.Verify(Write("holed", holed), Ct);

        Assert.True(verification.Sound);
        Assert.Equal(0, verification.CommitsAfterDamage);
        Assert.Equal(2, verification.Deltas); // the holed one is dropped as torn
    }

    /// <summary>A journaled generation: a base and three deltas; its bytes and the end offset of each commit.</summary>
    private (byte[] Bytes, List<long> Commits) Generation()
    {
        var folder = _folder.Sub("source-" + Guid.NewGuid().ToString("N"));
        string path;
        using (var store = new InMemoryStore())
        {
            var p = store.GetOrCreatePartition("messages");
            p.Put(Key(0), Value(50));
            using var journal = BackupJournal.Start(new BackupManager(new BackupOptions { Folder = folder }), store, null, cancellationToken: Ct);
            path = journal.CurrentPath!;
            for (var delta = 1; delta <= 3; delta++)
            {
                for (var i = 0; i < 20; i++)
                {
                    p.Put(Key((delta * 100) + i), Value(200, (byte)delta));
                }

                journal.Flush(Ct);
            }
        }

        var commits = DeltaFormatTests.CommitEnds(path);
        Assert.Equal(4, commits.Count);
        return (File.ReadAllBytes(path), commits);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder.Sub(name), "backup-000000000001.ebk");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
