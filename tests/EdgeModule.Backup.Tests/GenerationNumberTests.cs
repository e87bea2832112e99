using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

/// <summary>
/// Generation numbers of any width: 12 digits zero-padded, more as needed, ordered by number (not by name), and never
/// wrapped. Before, <c>backup-1000000000000.ebk</c> was written after <c>backup-999999999999.ebk</c> and then listed
/// by nobody, and every later start failed.
/// </summary>
public sealed class GenerationNumberTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BackupManager Manager() => new(new BackupOptions { Folder = _folder.Path });

    private string BackUpAs(string name, int seed)
    {
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false, seed: seed);
        var path = Manager().Backup(store, cancellationToken: Ct).Path;
        var renamed = Path.Combine(_folder.Path, name);
        File.Move(path, renamed);
        return renamed;
    }

    [Fact]
    public void Backup_After999999999999_Writes1000000000000AndBothAreListedByNumber()
    {
        BackUpAs("backup-999999999999.ebk", seed: 1);
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false, seed: 2);

        var next = Manager().Backup(store, cancellationToken: Ct);

        Assert.Equal(1_000_000_000_000, next.Generation);
        Assert.Equal("backup-1000000000000.ebk", Path.GetFileName(next.Path));
        Assert.Equal([1_000_000_000_000, 999_999_999_999], Manager().ListGenerations().Select(g => g.Number));
        using var target = new InMemoryStore();
        var restored = Manager().Restore(target, Ct);
        Assert.Equal(1_000_000_000_000, restored.Generation);
        StoreContent.AssertEqual(StoreContent.Read(store), target);
    }

    [Fact]
    public void Backup_AfterLongMaxValue_FailsInsteadOfWrapping()
    {
        BackUpAs("backup-9223372036854775807.ebk", seed: 1);
        using var store = new InMemoryStore();

        var ex = Assert.Throws<BackupException>(() => Manager().Backup(store, cancellationToken: Ct));

        Assert.Contains("9223372036854775807", ex.Message, StringComparison.Ordinal);
        Assert.Equal([long.MaxValue], Manager().ListGenerations().Select(g => g.Number));
    }

    [Fact]
    public void ListGenerations_NonCanonicalOrOversizedNames_AreNotGenerations()
    {
        var real = BackUpAs("backup-000000000003.ebk", seed: 1);
        File.Copy(real, Path.Combine(_folder.Path, "backup-0000000000004.ebk")); // a second spelling of 4
        File.Copy(real, Path.Combine(_folder.Path, "backup-99999999999999999999.ebk")); // beyond a long
        File.Copy(real, Path.Combine(_folder.Path, "backup-5.ebk")); // fewer than 12 digits

        Assert.Equal([3], Manager().ListGenerations().Select(g => g.Number));
    }
}
