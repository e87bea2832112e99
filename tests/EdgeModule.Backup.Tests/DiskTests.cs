using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

/// <summary>Backups into a real, small filesystem: a 1 MiB tmpfs that fills up, and one remounted read-only.</summary>
public sealed class DiskTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Backup_DiskFullMidWrite_ThrowsTypedErrorRemovesTempAndKeepsPreviousGeneration()
    {
        using var mount = TmpfsMount.TryCreate("1m", out var reason);
        Assert.SkipWhen(mount is null, reason);
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, partitions: 2, records: 200, valueBytes: 1000);
        var expected = StoreContent.Read(store);
        var manager = new BackupManager(new BackupOptions { Folder = mount!.Path, WriteBufferBytes = 64 << 10 });
        var previous = manager.Backup(store, cancellationToken: Ct);
        StoreContent.FillBulk(store, partitions: 2, records: 1000, valueBytes: 1000, seed: 8);

        var ex = Assert.Throws<BackupDiskFullException>(() => manager.Backup(store, cancellationToken: Ct));

        Assert.Matches(@"backup-[0-9]{12}\.ebk\.[0-9a-f]{16}\.tmp$", ex.Path);
        Assert.False(File.Exists(ex.Path));
        Assert.Equal(previous.Path, Assert.Single(manager.ListGenerations()).Path);
        Assert.Single(Directory.EnumerateFileSystemEntries(mount.Path), f => !f.EndsWith("backup.lock", StringComparison.Ordinal));
        using var target = new InMemoryStore();
        Assert.Equal(RestoreOutcome.Restored, manager.Restore(target, Ct).Outcome);
        StoreContent.AssertEqual(expected, target);
    }

    [Fact]
    public void Backup_ReadOnlyFolder_ThrowsFolderErrorNamingThePath()
    {
        using var mount = TmpfsMount.TryCreate("1m", out var reason);
        Assert.SkipWhen(mount is null, reason);
        mount!.RemountReadOnly();
        using var store = new InMemoryStore();

        var ex = Assert.Throws<BackupFolderException>(() => new BackupManager(new BackupOptions { Folder = mount.Path }).Backup(store, cancellationToken: Ct));

        Assert.Equal(mount.Path, ex.Path);
        Assert.Contains("cannot be written", ex.Message, StringComparison.Ordinal);
    }
}
