using System.Runtime.Versioning;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Files;

/// <summary>
/// Someone who can write to the backup folder plants a symbolic link to a victim file, or a FIFO, under each name the
/// module writes or reads. No link is followed (the victim keeps its bytes and mode), no FIFO blocks a start or a
/// verify, and the module's own work still gets done where it can.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PlantedFileTests : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();
    private readonly TempFolder _outside = new("victims");

    public void Dispose()
    {
        _folder.Dispose();
        _outside.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BackupManager Manager() => new(new BackupOptions { Folder = _folder.Path });

    private BackupResult BackUp()
    {
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false);
        return Manager().Backup(store, cancellationToken: Ct);
    }

    [Fact]
    public void MarkRestored_MarkerIsLinkToVictim_VictimUntouchedAndMarkerIsAFileOfOneLine()
    {
        var backup = BackUp();
        var victim = Planted.LinkToVictim(backup.Path + ".restored", _outside.Path);
        var manager = Manager();
        using var target = new InMemoryStore();

        var restored = manager.Restore(target, Ct);
        manager.MarkRestored(restored);

        Planted.AssertVictimUntouched(victim);
        Assert.Equal(FileKind.Regular, SafeFile.GetKind(backup.Path + ".restored"));
        Assert.Equal(1, Assert.Single(manager.ListGenerations()).TimesRestored);
    }

    [Fact]
    public void Restore_QuarantineReasonIsLinkToVictim_VictimUntouchedAndReasonWritten()
    {
        BackUp();
        var bad = BackUp();
        GenerationTests.FlipByte(bad.Path, 40);
        var quarantine = _folder.Sub("quarantine");
        File.SetUnixFileMode(quarantine, SafeFile.PrivateFolderMode);
        var reasonPath = Path.Combine(quarantine, Path.GetFileName(bad.Path) + ".reason.txt");
        var victim = Planted.LinkToVictim(reasonPath, _outside.Path);
        using var target = new InMemoryStore();

        var result = Manager().Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Planted.AssertVictimUntouched(victim);
        Assert.Equal(reasonPath, Assert.Single(result.Quarantined).ReasonPath);
        Assert.Equal(FileKind.Regular, SafeFile.GetKind(reasonPath));
        Assert.Contains("reason:", File.ReadAllText(reasonPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_QuarantineFolderIsLink_NothingMovedThroughItAndDamagedFileLeftInPlace()
    {
        var good = BackUp();
        var bad = BackUp();
        GenerationTests.FlipByte(bad.Path, 40);
        var elsewhere = _outside.Sub("elsewhere");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Path, "quarantine"), elsewhere);
        using var target = new InMemoryStore();

        var result = Manager().Restore(target, Ct);

        Assert.Equal(good.Generation, result.Generation);
        Assert.Empty(result.Quarantined);
        Assert.Contains(result.Problems, p => p.Contains("not quarantined", StringComparison.Ordinal) && p.Contains("symbolic link", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.True(File.Exists(bad.Path));
    }

    [Fact]
    public void Backup_LockFileIsLinkToVictim_VictimUntouchedAndBackupSucceeds()
    {
        var victim = Planted.LinkToVictim(Path.Combine(_folder.Path, "backup.lock"), _outside.Path);

        var backup = BackUp();

        Planted.AssertVictimUntouched(victim);
        Assert.True(File.Exists(backup.Path));
        Assert.Equal(FileKind.Regular, SafeFile.GetKind(Path.Combine(_folder.Path, "backup.lock")));
    }

    [Fact]
    public void BackupAndProbe_PredictableTempNamesPlanted_VictimsUntouched()
    {
        // The names earlier versions used: a link there would have made the backup fail or write through it.
        var victims = new[] { "backup-000000000001.ebk.tmp", "write-speed-probe.tmp", "write-check-0.tmp" }
            .Select(name => Planted.LinkToVictim(Path.Combine(_folder.Path, name), _outside.Path))
            .ToList();
        var manager = Manager();

        var backup = BackUp();
        manager.MeasureWriteSpeed(1 << 20, Ct);

        Assert.True(File.Exists(backup.Path));
        victims.ForEach(Planted.AssertVictimUntouched);
    }

    [Fact]
    public void Restore_GenerationNameIsLinkToAValidBackup_NotFollowedAndNamedAsAProblem()
    {
        var real = BackUp();
        using (var other = new TempFolder())
        {
            // A sound backup outside the folder: following the link would restore content nobody put here.
            using var foreign = new InMemoryStore();
            foreign.GetOrCreatePartition("foreign").Put([1], [2]);
            var foreignPath = new BackupManager(new BackupOptions { Folder = other.Path }).Backup(foreign, cancellationToken: Ct).Path;
            var link = Path.Combine(_folder.Path, "backup-000000000009.ebk");
            File.Copy(foreignPath, Path.Combine(_outside.Path, "foreign.ebk"));
            File.CreateSymbolicLink(link, Path.Combine(_outside.Path, "foreign.ebk"));
        }

        using var target = new InMemoryStore();
        var result = Manager().Restore(target, Ct);

        Assert.Equal(real.Generation, result.Generation);
        Assert.DoesNotContain("foreign", target.ListPartitions());
        Assert.Contains(result.Problems, p => p.Contains("backup-000000000009.ebk", StringComparison.Ordinal) && p.Contains("symbolic link", StringComparison.Ordinal));
        Assert.Equal(FileKind.SymbolicLink, SafeFile.GetKind(Path.Combine(_folder.Path, "backup-000000000009.ebk")));
        Assert.Equal([real.Generation], Manager().ListGenerations().Select(g => g.Number));
    }

    [Fact]
    public async Task Restore_FifoNamedLikeNewestGeneration_ReturnsPromptlyWithOlderGenerationAndLeavesFifo()
    {
        var real = BackUp();
        var fifo = Path.Combine(_folder.Path, "backup-000000000005.ebk");
        Planted.Fifo(fifo);
        using var target = new InMemoryStore();

        var result = await Task.Run(() => Manager().Restore(target, Ct), Ct).WaitAsync(Prompt, Ct);

        Assert.Equal(real.Generation, result.Generation);
        Assert.Contains(result.Problems, p => p.Contains(fifo, StringComparison.Ordinal) && p.Contains("FIFO", StringComparison.Ordinal));
        Assert.Equal(FileKind.Fifo, SafeFile.GetKind(fifo));

        // The FIFO's number is taken, so the next generation is 6, and planning reads the newest regular file.
        var next = await Task.Run(BackUp, Ct).WaitAsync(Prompt, Ct);
        Assert.Equal(6, next.Generation);
        Assert.Equal(next.FileBytes, Manager().LastBackupBytes);
    }

    [Fact]
    public async Task Verify_Fifo_ReportsNotARegularFilePromptly()
    {
        var fifo = Path.Combine(_folder.Path, "backup-000000000001.ebk");
        Planted.Fifo(fifo);

        var verification = await Task.Run(() => BackupVerifier.Verify(fifo, Ct), Ct).WaitAsync(Prompt, Ct);

        Assert.Equal(BackupProblem.Unreadable, verification.Problem);
        Assert.Contains("FIFO", verification.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupAndMark_FifosAtLockAndMarker_ReturnPromptlyAndReplaceThem()
    {
        var first = BackUp();
        File.Delete(Path.Combine(_folder.Path, "backup.lock"));
        Planted.Fifo(Path.Combine(_folder.Path, "backup.lock"));
        Planted.Fifo(first.Path + ".restored");
        var manager = Manager();
        using var target = new InMemoryStore();

        var before = await Task.Run(() => manager.MarkRestored(manager.Restore(target, Ct)), Ct).WaitAsync(Prompt, Ct);
        var second = await Task.Run(BackUp, Ct).WaitAsync(Prompt, Ct);

        Assert.Equal(0, before);
        Assert.Equal(first.Generation + 1, second.Generation);
        Assert.Equal(FileKind.Regular, SafeFile.GetKind(first.Path + ".restored"));
    }

    [Fact]
    public void Files_CreatedByTheLibrary_Are0600AndQuarantineIs0700()
    {
        BackUp();
        var bad = BackUp();
        GenerationTests.FlipByte(bad.Path, 40);
        var manager = Manager();
        using var target = new InMemoryStore();
        manager.MarkRestored(manager.Restore(target, Ct));

        var quarantine = Path.Combine(_folder.Path, "quarantine");
        Assert.Equal(SafeFile.PrivateFolderMode, File.GetUnixFileMode(quarantine));
        var files = Directory.EnumerateFiles(_folder.Path).Concat(Directory.EnumerateFiles(quarantine)).ToList();
        Assert.Contains(files, f => f.EndsWith(".restored", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".reason.txt", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("backup.lock", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == SafeFile.PrivateFileMode, $"{f}: {File.GetUnixFileMode(f)}"));
    }
}
