using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Format;

/// <summary>
/// Freezes format version 1. If a test here fails, the format changed: that needs a version bump and a reader for
/// version 1 kept beside the new one (docs/backup-format.md). To regenerate on purpose: EDGEMODULE_UPDATE_GOLDEN=1.
/// </summary>
public sealed class GoldenFileTests
{
    private static string GoldenPath => Path.Combine(BackupFiles.GoldenFolder(), "v1-small.ebk");

    [Fact]
    public void Backup_GoldenStore_IsByteIdenticalToCommittedGoldenFile()
    {
        using var folder = new TempFolder();
        var written = File.ReadAllBytes(BackupFiles.WriteGolden(folder.Path));
        if (Environment.GetEnvironmentVariable("EDGEMODULE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(BackupFiles.GoldenFolder());
            File.WriteAllBytes(GoldenPath, written);
        }

        Assert.Equal(File.ReadAllBytes(GoldenPath), written);
    }

    [Fact]
    public void Verify_GoldenFile_ReportsFrozenHeaderAndCounts()
    {
        var result = BackupVerifier.Verify(GoldenPath, TestContext.Current.CancellationToken);

        Assert.True(result.Sound, result.Reason);
        Assert.Equal(1, result.Header!.FormatVersion);
        Assert.Equal(BackupFiles.GoldenTime, result.Header.CreatedAt);
        Assert.Equal("memory", result.Header.BackendName);
        Assert.Equal("golden-store", result.Header.SourceIdentity);
        Assert.Equal(1, result.Header.Generation);
        Assert.Equal(1, result.Segments);
        Assert.Equal(3, result.Partitions);
        Assert.Equal(5, result.Records);
        Assert.Equal(2, result.LongestKey);
        Assert.Equal(11, result.LongestValue);
        Assert.Equal(new FileInfo(GoldenPath).Length, result.SoundBytes);
    }

    [Fact]
    public void Restore_GoldenFile_GivesGoldenContent()
    {
        using var folder = new TempFolder();
        File.Copy(GoldenPath, Path.Combine(folder.Path, "backup-000000000001.ebk"));
        using var expected = BackupFiles.CreateGoldenStore();
        using var target = new InMemoryStore();

        var result = new BackupManager(new BackupOptions { Folder = folder.Path }).Restore(target, TestContext.Current.CancellationToken);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        StoreContent.AssertEqual(StoreContent.Read(expected), target);
    }

    [Fact]
    public void GoldenFile_FixedOffsets_HoldMagicAndVersion()
    {
        var bytes = File.ReadAllBytes(GoldenPath);

        Assert.Equal((byte)FrameType.FileHeader, bytes[4]);
        Assert.Equal("EDGEBKUP"u8.ToArray(), bytes[5..13]);
        Assert.Equal(BackupFormat.CurrentVersion, BitConverter.ToUInt16(bytes, BackupFormat.VersionFileOffset));
        Assert.Equal((byte)FrameType.Commit, bytes[bytes.Length - BackupFormat.CommitFrameSize + 4]);
        Assert.Equal("COMMITED"u8.ToArray(), bytes[^12..^4]);
    }
}
