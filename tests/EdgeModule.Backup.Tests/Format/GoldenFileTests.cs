using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Format;

/// <summary>
/// Freezes format version 1 (which the writer no longer writes: the reader must keep reading it) and the base segment
/// of version 2, which is version 1's bytes with the version field 2. Version 2's deltas are frozen by
/// Journal/DeltaFormatTests. To regenerate the v2 base on purpose: EDGEMODULE_UPDATE_GOLDEN=1.
/// </summary>
public sealed class GoldenFileTests
{
    private static string GoldenPath => Path.Combine(BackupFiles.GoldenFolder(), "v1-small.ebk");

    private static string GoldenV2BasePath => Path.Combine(BackupFiles.GoldenFolder(), "v2-small.ebk");

    [Fact]
    public void Backup_GoldenStore_IsByteIdenticalToCommittedGoldenFile()
    {
        using var folder = new TempFolder();
        var written = File.ReadAllBytes(BackupFiles.WriteGolden(folder.Path));
        if (Environment.GetEnvironmentVariable("EDGEMODULE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(BackupFiles.GoldenFolder());
            File.WriteAllBytes(GoldenV2BasePath, written);
        }

        Assert.Equal(File.ReadAllBytes(GoldenV2BasePath), written);
    }

    [Fact]
    public void GoldenV2Base_IsVersion1WithVersionField2()
    {
        var v1 = File.ReadAllBytes(GoldenPath);
        var v2 = File.ReadAllBytes(GoldenV2BasePath);

        Assert.Equal(v1.Length, v2.Length);
        Assert.Equal(2, BitConverter.ToUInt16(v2, BackupFormat.VersionFileOffset));
        var differing = Enumerable.Range(0, v1.Length).Where(i => v1[i] != v2[i]).ToArray();
        // The version byte, the header frame's CRC and the commit's digest and CRC: nothing else.
        Assert.Contains(BackupFormat.VersionFileOffset, differing);
        Assert.All(differing, i => Assert.True(i < 80 || i >= v1.Length - 21, $"byte {i} differs"));
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
        Assert.Equal(1, BitConverter.ToUInt16(bytes, BackupFormat.VersionFileOffset));
        Assert.Equal((byte)FrameType.Commit, bytes[bytes.Length - BackupFormat.CommitFrameSize + 4]);
        Assert.Equal("COMMITED"u8.ToArray(), bytes[^12..^4]);
    }
}
