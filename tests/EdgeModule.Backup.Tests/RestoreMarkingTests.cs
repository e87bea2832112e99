using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

/// <summary>
/// Restore changes nothing on disk about the generation it restored: the host marks it (<see cref="BackupManager.MarkRestored"/>)
/// only once it accepted the content. A generation it cannot use (an unknown message-store layout) or cannot read (a
/// newer format) stays as it was for a newer build: not marked, not quarantined, no older generation restored instead.
/// </summary>
public sealed class RestoreMarkingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BackupManager Manager() => new(new BackupOptions { Folder = _folder.Path });

    private BackupResult BackUp(byte value)
    {
        using var store = new InMemoryStore();
        store.GetOrCreatePartition("p").Put([1], [value]);
        return Manager().Backup(store, cancellationToken: Ct);
    }

    [Fact]
    public void Restore_WithoutMarkRestored_LeavesTheGenerationUnmarked()
    {
        var backup = BackUp(1);
        using (var rejected = new InMemoryStore())
        {
            // The host found content it cannot use and did not mark it.
            Assert.Equal(RestoreOutcome.Restored, Manager().Restore(rejected, Ct).Outcome);
        }

        Assert.False(File.Exists(backup.Path + ".restored"));
        using var target = new InMemoryStore();
        var again = Manager().Restore(target, Ct);
        Assert.Equal(0, again.TimesRestoredBefore);
        Assert.Empty(again.Warnings);
        Assert.Equal(0, Assert.Single(Manager().ListGenerations()).TimesRestored);
    }

    [Fact]
    public void Restore_NewestGenerationOfANewerFormat_ThrowsNamingItWithoutFallingBackAndLeavesEverythingAsItWas()
    {
        var older = BackUp(1);
        var newer = BackUp(2);
        File.WriteAllBytes(newer.Path, Format.CorruptionTests.WithVersion(File.ReadAllBytes(newer.Path), 9));
        var bytesBefore = File.ReadAllBytes(newer.Path);
        using var target = new InMemoryStore();

        var ex = Assert.Throws<BackupVersionNotSupportedException>(() => Manager().Restore(target, Ct));

        Assert.Equal(newer.Path, ex.Path);
        Assert.Equal(9, ex.FileVersion);
        Assert.Equal(BackupFormat.CurrentVersion, ex.SupportedVersion);
        Assert.Contains(newer.Path, ex.Message, StringComparison.Ordinal);
        Assert.Empty(target.ListPartitions());
        Assert.Equal(bytesBefore, File.ReadAllBytes(newer.Path));
        Assert.True(File.Exists(older.Path));
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.restored"));
        Assert.False(Directory.Exists(Manager().QuarantineFolder));
    }

    [Fact]
    public void MarkRestored_SomethingOtherThanARestoredGeneration_IsRefused()
    {
        var backup = BackUp(1);
        var manager = Manager();
        using var empty = new InMemoryStore();
        using var other = new TempFolder();

        Assert.Throws<ArgumentException>(() => manager.MarkRestored(new RestoreResult { Outcome = RestoreOutcome.StartingEmpty }));
        Assert.Throws<ArgumentException>(() => manager.MarkRestored(manager.RestoreFile(backup.Path, empty, Ct) with { Path = Path.Combine(other.Path, "backup-000000000001.ebk") }));
        Assert.Throws<ArgumentException>(() => manager.MarkRestored(new RestoreResult { Outcome = RestoreOutcome.Restored, Generation = 2, Path = backup.Path }));
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.restored"));
    }

    [Fact]
    public void MarkRestored_GenerationGoneMeanwhile_ThrowsAndCreatesNoMarker()
    {
        BackUp(1);
        var manager = Manager();
        using var target = new InMemoryStore();
        var restored = manager.Restore(target, Ct);
        File.Delete(restored.Path!);

        Assert.Throws<BackupException>(() => manager.MarkRestored(restored));
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.restored"));
    }
}
