using EdgeModule.Backup;
using EdgeModule.Backup.Journal;
using EdgeModule.Storage.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace EdgeModule.Tests;

public sealed class PointInTimeToolTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-pit-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData("2026-12-02T09:00:30Z", new byte[] { 1 })]
    [InlineData("2026-12-02T09:01:30Z", new byte[] { 1, 2 })]
    [InlineData("2026-12-02T08:59:00Z", new byte[0])]
    public void Run_UntilATime_WritesTheStateOfThatMomentAsANewGeneration(string until, byte[] expectedKeys)
    {
        var source = WriteJournal();
        var target = Path.Combine(_folder.FullName, "out");
        var output = new StringWriter();

        Assert.Equal(0, PointInTimeTool.Run([source, "--until", until, "--to", target], output));

        using var restored = new InMemoryStore();
        new BackupManager(new BackupOptions { Folder = target }).Restore(restored, TestContext.Current.CancellationToken);
        var keys = restored.TryGetPartition("p", out var p) ? Keys(p) : [];
        Assert.Equal(expectedKeys, keys);
        Assert.Contains("written as", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("seq:x")]
    public void Run_BadPoint_PrintsUsageAndExitsTwo(string until)
    {
        var output = new StringWriter();
        Assert.Equal(2, PointInTimeTool.Run([WriteJournal(), "--until", until, "--to", Path.Combine(_folder.FullName, "out")], output));
        Assert.Contains("usage:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TargetIsTheSourcesFolder_IsRefused()
    {
        var source = WriteJournal();
        Assert.Equal(2, PointInTimeTool.Run([source, "--until", "seq:1", "--to", Path.GetDirectoryName(source)!], new StringWriter()));
    }

    [Fact]
    public void Run_MissingFile_ExitsOne()
    {
        var output = new StringWriter();
        Assert.Equal(1, PointInTimeTool.Run([Path.Combine(_folder.FullName, "none.ebk"), "--until", "seq:1", "--to", Path.Combine(_folder.FullName, "out")], output));
    }

    private static byte[] Keys(Storage.IPartition partition)
    {
        using var cursor = partition.OpenCursor();
        var keys = new List<byte>();
        for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
        {
            keys.Add(cursor.Key[0]);
        }

        return [.. keys];
    }

    /// <summary>A journaled generation: an empty base at 09:00, key 1 in a delta at 09:00:10, key 2 at 09:01:10.</summary>
    private string WriteJournal()
    {
        var folder = Path.Combine(_folder.FullName, "backup-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var time = new FakeTimeProvider(Start);
        using var store = new InMemoryStore();
        var manager = new BackupManager(new BackupOptions { Folder = folder }, time);
        using var journal = BackupJournal.Start(manager, store, continueFrom: null, timeProvider: time, cancellationToken: TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(10));
        store.GetOrCreatePartition("p").Put([1], [10]);
        journal.Flush(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(1));
        store.GetOrCreatePartition("p").Put([2], [20]);
        journal.Flush(TestContext.Current.CancellationToken);
        return journal.CurrentPath!;
    }
}
