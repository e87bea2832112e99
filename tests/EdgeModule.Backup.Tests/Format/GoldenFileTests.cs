using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Format;

/// <summary>
/// Freezes format version 1 (which the writer no longer writes: the reader must keep reading it) and the base segments
/// of versions 2 and 3, which are version 1's bytes with the version field 2 or 3 (the versions differ only in what
/// delta segments may hold). The writer's bytes are v3-small.ebk; v2-small.ebk stays as the frozen version 2. Deltas
/// are frozen by Journal/DeltaFormatTests. To regenerate the v3 base on purpose: EDGEMODULE_UPDATE_GOLDEN=1.
/// </summary>
public sealed class GoldenFileTests
{
    private static string GoldenPath => Path.Combine(BackupFiles.GoldenFolder(), "v1-small.ebk");

    private static string GoldenV3BasePath => Path.Combine(BackupFiles.GoldenFolder(), "v3-small.ebk");

    [Fact]
    public void Backup_GoldenStore_IsByteIdenticalToCommittedGoldenFile()
    {
        using var folder = new TempFolder();
        var written = File.ReadAllBytes(BackupFiles.WriteGolden(folder.Path));
        if (Environment.GetEnvironmentVariable("EDGEMODULE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(BackupFiles.GoldenFolder());
            File.WriteAllBytes(GoldenV3BasePath, written);
        }

        Assert.Equal(File.ReadAllBytes(GoldenV3BasePath), written);
        Assert.Equal(BackupFormat.CurrentVersion, BitConverter.ToUInt16(written, BackupFormat.VersionFileOffset));
    }

    [Theory]
    [InlineData("v2-small.ebk", 2)]
    [InlineData("v3-small.ebk", 3)]
    public void GoldenBase_IsVersion1WithItsVersionField(string name, ushort version)
    {
        var v1 = File.ReadAllBytes(GoldenPath);
        var other = File.ReadAllBytes(Path.Combine(BackupFiles.GoldenFolder(), name));

        Assert.Equal(v1.Length, other.Length);
        Assert.Equal(version, BitConverter.ToUInt16(other, BackupFormat.VersionFileOffset));
        var differing = Enumerable.Range(0, v1.Length).Where(i => v1[i] != other[i]).ToArray();
        // The version byte, the header frame's CRC and the commit's digest and CRC: nothing else.
        Assert.Contains(BackupFormat.VersionFileOffset, differing);
        Assert.All(differing, i => Assert.True(i < 80 || i >= v1.Length - 21, $"byte {i} differs"));
    }

    [Theory]
    [InlineData("v1-small.ebk")]
    [InlineData("v2-small.ebk")]
    [InlineData("v3-small.ebk")]
    public void Restore_GoldenBaseOfEveryVersion_GivesGoldenContent(string name)
    {
        using var folder = new TempFolder();
        File.Copy(Path.Combine(BackupFiles.GoldenFolder(), name), Path.Combine(folder.Path, "backup-000000000001.ebk"));
        using var expected = BackupFiles.CreateGoldenStore();
        using var target = new InMemoryStore();

        var result = new BackupManager(new BackupOptions { Folder = folder.Path }).Restore(target, TestContext.Current.CancellationToken);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        StoreContent.AssertEqual(StoreContent.Read(expected), target);
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
