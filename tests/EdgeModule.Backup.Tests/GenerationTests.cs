using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

public sealed class GenerationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Backup_ManyTimes_KeepsNewestGenerationsOnly()
    {
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path, KeepGenerations = 3 });

        var results = Enumerable.Range(0, 5).Select(_ => manager.Backup(store, cancellationToken: Ct)).ToList();

        Assert.Equal([5L, 4L, 3L], manager.ListGenerations().Select(g => g.Number));
        Assert.Equal(results[1].Path, Assert.Single(results[4].DeletedGenerations));
        Assert.All(manager.ListGenerations(), g => Assert.True(BackupVerifier.Verify(g.Path, Ct).Sound));
    }

    [Fact]
    public void Backup_OldGeneration_IsDeletedOnlyAfterNewOneIsDurable()
    {
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false);
        var seenAtDelete = new List<long>();
        BackupManager? manager = null;
        manager = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            FaultHook = point =>
            {
                if (point == BackupFaultPoint.DeleteOld)
                {
                    seenAtDelete.AddRange(manager!.ListGenerations().Select(g => g.Number));
                }
            },
        });

        manager.Backup(store, cancellationToken: Ct);
        manager.Backup(store, cancellationToken: Ct);
        manager.Backup(store, cancellationToken: Ct);

        Assert.Equal([3L, 2L, 1L], seenAtDelete); // generation 3 was in place (renamed, flushed) before 1 went
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Backup_Files_AreOwnerReadWriteOnly()
    {
        using var store = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(result.Path));
    }

    [Fact]
    public void Backup_Result_ReportsCountsAndSizes()
    {
        using var store = new InMemoryStore(new() { MaxValueBytes = 2 << 20 });
        StoreContent.FillAwkward(store);

        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct);

        Assert.Equal(4, result.Partitions);
        Assert.Equal(205, result.Records);
        Assert.Equal(new FileInfo(result.Path).Length, result.FileBytes);
        Assert.True(result.RecordBytes > 1 << 20);
        Assert.True(result.BytesPerSecond > 0);
    }

    [Fact]
    public void Restore_TwiceEachMarked_ReportsTimesRestoredBeforeAndKeepsGeneration()
    {
        using var source = new InMemoryStore();
        StoreContent.FillAwkward(source, withLargeValue: false);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        var backup = manager.Backup(source, cancellationToken: Ct);

        using var first = new InMemoryStore();
        using var second = new InMemoryStore();
        var r1 = manager.Restore(first, Ct);
        Assert.Equal(0, manager.MarkRestored(r1));
        var other = new BackupManager(new BackupOptions { Folder = _folder.Path });
        var r2 = other.Restore(second, Ct);
        Assert.Equal(1, other.MarkRestored(r2));

        Assert.Equal(0, r1.TimesRestoredBefore);
        Assert.Equal(1, r2.TimesRestoredBefore);
        Assert.Empty(r1.Warnings);
        Assert.Contains("delivered again", Assert.Single(r2.Warnings), StringComparison.Ordinal);
        Assert.Equal(backup.Generation, r2.Generation);
        Assert.Equal(2, manager.ListGenerations().Single().TimesRestored);
        StoreContent.AssertEqual(StoreContent.Read(source), second);
    }

    [Fact]
    public void Backup_AfterRestore_RestoredGenerationIsKeptUntilANewerBackupIsDurable()
    {
        using var source = new InMemoryStore();
        StoreContent.FillAwkward(source, withLargeValue: false);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        manager.Backup(source, cancellationToken: Ct);
        var restoredGeneration = manager.Backup(source, cancellationToken: Ct).Generation;
        using var restored = new InMemoryStore();
        manager.MarkRestored(manager.Restore(restored, Ct));

        // A shutdown backup that misses its deadline changes nothing: the restored generation stays the newest.
        Assert.Throws<BackupDeadlineExceededException>(() => manager.Backup(restored, DateTimeOffset.UnixEpoch, Ct));
        Assert.Equal(restoredGeneration, manager.ListGenerations()[0].Number);
        Assert.Equal(1, manager.ListGenerations()[0].TimesRestored);

        // A durable newer backup supersedes it; from then on normal retention applies.
        manager.Backup(restored, cancellationToken: Ct);
        Assert.Equal([restoredGeneration + 1, restoredGeneration], manager.ListGenerations().Select(g => g.Number));
        manager.Backup(restored, cancellationToken: Ct);
        Assert.DoesNotContain(manager.ListGenerations(), g => g.Number == restoredGeneration);
        Assert.False(File.Exists(Path.Combine(_folder.Path, $"backup-{restoredGeneration:D12}.ebk.restored")));
    }

    [Fact]
    public void Restore_NewestCorrupt_QuarantinesItWithReasonAndRestoresOlder()
    {
        using var old = new InMemoryStore();
        old.GetOrCreatePartition("p").Put([1], [1]);
        using var newer = new InMemoryStore();
        newer.GetOrCreatePartition("p").Put([2], [2]);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        manager.Backup(old, cancellationToken: Ct);
        var bad = manager.Backup(newer, cancellationToken: Ct).Path;
        FlipByte(bad, 60);

        using var target = new InMemoryStore();
        var result = manager.Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Equal(1, result.Generation);
        StoreContent.AssertEqual(StoreContent.Read(old), target);
        var q = Assert.Single(result.Quarantined);
        Assert.False(File.Exists(bad));
        Assert.True(File.Exists(q.QuarantinePath));
        Assert.StartsWith(manager.QuarantineFolder, q.QuarantinePath, StringComparison.Ordinal);
        Assert.Contains("CRC-32C", File.ReadAllText(q.ReasonPath), StringComparison.Ordinal);
        Assert.Single(result.Problems);
    }

    [Fact]
    public void Restore_AllCorrupt_StartsEmptyWithReasons()
    {
        using var store = new InMemoryStore();
        store.GetOrCreatePartition("p").Put([1], [1]);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        var a = manager.Backup(store, cancellationToken: Ct).Path;
        var b = manager.Backup(store, cancellationToken: Ct).Path;
        File.WriteAllBytes(a, File.ReadAllBytes(a)[..40]);
        FlipByte(b, 20);

        using var target = new InMemoryStore();
        var result = manager.Restore(target, Ct);

        Assert.Equal(RestoreOutcome.StartingEmpty, result.Outcome);
        Assert.Equal(2, result.Quarantined.Count);
        Assert.Equal(2, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.Contains("truncated", StringComparison.Ordinal));
        Assert.Empty(manager.ListGenerations());
        Assert.Empty(target.ListPartitions());
        Assert.Equal(3, manager.Backup(store, cancellationToken: Ct).Generation); // numbers are not reused
    }

    [Fact]
    public void Restore_NoBackup_StartsEmptySayingSo()
    {
        using var target = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, Ct);

        Assert.Equal(RestoreOutcome.StartingEmpty, result.Outcome);
        Assert.Contains("no backup", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_NewerFormatVersion_IsRefusedWithVersionsAndNotQuarantined()
    {
        using var store = new InMemoryStore();
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        var path = manager.Backup(store, cancellationToken: Ct).Path;
        File.WriteAllBytes(path, Format.CorruptionTests.WithVersion(File.ReadAllBytes(path), 7));

        using var target = new InMemoryStore();
        var ex = Assert.Throws<BackupVersionNotSupportedException>(() => manager.Restore(target, Ct));

        Assert.Equal(7, ex.FileVersion);
        Assert.Equal(Backup.Format.BackupFormat.CurrentVersion, ex.SupportedVersion);
        Assert.Contains("version 7", ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        Assert.False(Directory.Exists(manager.QuarantineFolder));
    }

    [Fact]
    public void Restore_NonEmptyStore_IsRefused()
    {
        using var store = new InMemoryStore();
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        manager.Backup(store, cancellationToken: Ct);
        using var target = new InMemoryStore();
        target.GetOrCreatePartition("empty-one");
        target.GetOrCreatePartition("busy").Put([1], [2]);

        var ex = Assert.Throws<StoreNotEmptyException>(() => manager.Restore(target, Ct));

        Assert.Equal("busy", ex.Partition);
    }

    [Fact]
    public void Restore_LeftoverTempFiles_AreDeletedFirst()
    {
        var temp = Path.Combine(_folder.Path, "backup-000000000009.ebk.tmp");
        File.WriteAllBytes(temp, [1, 2, 3]);
        var foreign = Path.Combine(_folder.Path, "notes.tmp");
        File.WriteAllBytes(foreign, [1]);

        using var target = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, Ct);

        Assert.Equal(temp, Assert.Single(result.LeftoversDeleted));
        Assert.False(File.Exists(temp));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void Backup_MissingFolder_ThrowsNamingThePath()
    {
        var missing = Path.Combine(_folder.Path, "not-there");
        using var store = new InMemoryStore();

        var ex = Assert.Throws<BackupFolderException>(() => new BackupManager(new BackupOptions { Folder = missing }).Backup(store, cancellationToken: Ct));

        Assert.Equal(missing, ex.Path);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_FolderIsAFile_ThrowsNamingThePath()
    {
        var file = Path.Combine(_folder.Path, "a-file");
        File.WriteAllBytes(file, []);
        using var store = new InMemoryStore();

        var ex = Assert.Throws<BackupFolderException>(() => new BackupManager(new BackupOptions { Folder = file }).Backup(store, cancellationToken: Ct));

        Assert.Contains("is a file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_BackendReturnsKeysOutOfOrder_FailsAndKeepsPreviousGeneration()
    {
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        var previous = manager.Backup(store, cancellationToken: Ct);

        var ex = Assert.Throws<BackupException>(() => manager.Backup(new ReversingStore(store), cancellationToken: Ct));

        Assert.Contains("out of order", ex.Message, StringComparison.Ordinal);
        Assert.Equal(previous.Path, Assert.Single(manager.ListGenerations()).Path);
        Assert.Single(Directory.EnumerateFileSystemEntries(_folder.Path), f => !f.EndsWith("backup.lock", StringComparison.Ordinal));
    }

    [Fact]
    public void RestoreFile_GivenFile_RestoresWithoutBookkeeping()
    {
        using var source = new InMemoryStore();
        StoreContent.FillAwkward(source, withLargeValue: false);
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(source, cancellationToken: Ct).Path;
        using var target = new InMemoryStore();

        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).RestoreFile(path, target, Ct);

        Assert.Equal(1, result.Generation);
        StoreContent.AssertEqual(StoreContent.Read(source), target);
        Assert.False(File.Exists(path + ".restored"));
    }

    [Fact]
    public void RestoreFile_DamagedFile_ThrowsWithOffsetAndLeavesStoreEmpty()
    {
        using var source = new InMemoryStore();
        StoreContent.FillAwkward(source, withLargeValue: false);
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(source, cancellationToken: Ct).Path;
        FlipByte(path, 500);
        using var target = new InMemoryStore();

        var ex = Assert.Throws<BackupCorruptException>(() => new BackupManager(new BackupOptions { Folder = _folder.Path }).RestoreFile(path, target, Ct));

        Assert.InRange(ex.Offset, 0, 500);
        Assert.Empty(target.ListPartitions());
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Backup_FolderLockedByAnotherProcess_ThrowsNamingTheFolder()
    {
        // Another open file description with FileShare.None holds the same flock another process would.
        using var other = new FileStream(Path.Combine(_folder.Path, "backup.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        using var store = new InMemoryStore();

        var ex = Assert.Throws<BackupFolderException>(() => new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct));

        Assert.Contains("in use by another process", ex.Message, StringComparison.Ordinal);
        Assert.Equal(_folder.Path, ex.Path);
    }

    [Fact]
    public void Options_KeepFewerThanTwo_AreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackupManager(new BackupOptions { Folder = _folder.Path, KeepGenerations = 1 }));

    internal static void FlipByte(string path, int offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }
}
