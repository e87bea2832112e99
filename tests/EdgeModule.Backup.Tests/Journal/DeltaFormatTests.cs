using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>
/// Freezes format version 2 (a base and delta segments) with Golden/v2-deltas.ebk, and checks how the reader treats a
/// torn tail: the sound prefix, never damage. Regenerate on purpose only, with a version bump: EDGEMODULE_UPDATE_GOLDEN=1.
/// </summary>
public sealed class DeltaFormatTests
{
    private static string GoldenPath => Path.Combine(BackupFiles.GoldenFolder(), "v2-deltas.ebk");

    [Fact]
    public void Journal_GoldenStoreAndDeltas_IsByteIdenticalToCommittedGoldenFile()
    {
        using var folder = new TempFolder();
        var written = File.ReadAllBytes(JournalFiles.WriteGoldenV2(folder.Path));
        if (Environment.GetEnvironmentVariable("EDGEMODULE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(GoldenPath, written);
        }

        Assert.Equal(File.ReadAllBytes(GoldenPath), written);
    }

    [Fact]
    public void Verify_GoldenV2_ReportsBaseDeltasAndLastSequence()
    {
        var result = BackupVerifier.Verify(GoldenPath, TestContext.Current.CancellationToken);

        Assert.True(result.Sound, result.Reason);
        Assert.Equal(2, result.Header!.FormatVersion);
        Assert.Equal(3, result.Segments);
        Assert.Equal(2, result.Deltas);
        Assert.Equal(0, result.DroppedTailBytes);
        Assert.Equal(new FileInfo(GoldenPath).Length, result.SoundBytes);
        Assert.InRange(result.BaseBytes, 1, result.SoundBytes - 1);
        Assert.Equal(BackupFiles.GoldenTime.AddSeconds(2), result.LastTime);
        Assert.Equal(result.LastCommit!.Sequence, result.LastSequence);
        Assert.True(result.LastSequence > result.Header.Sequence);
        Assert.Equal(BackupFormat.SegmentKindDelta, result.LastCommit.Kind);
    }

    [Fact]
    public void Read_GoldenV2_GivesDeltaEntriesInFileOrder()
    {
        using var reader = BackupReader.Open(GoldenPath);
        var entries = new List<string>();
        for (var kind = reader.Read(); kind != BackupEntryKind.End; kind = reader.Read())
        {
            if (reader.SegmentIndex <= 0 && kind != BackupEntryKind.Commit)
            {
                continue;
            }

            entries.Add(kind switch
            {
                BackupEntryKind.Partition or BackupEntryKind.DropPartition => $"{kind} {reader.PartitionName}",
                BackupEntryKind.Record => $"Record {Convert.ToHexString(reader.Key)}={Convert.ToHexString(reader.Value)}",
                BackupEntryKind.Remove => $"Remove {Convert.ToHexString(reader.Key)}",
                _ => $"{kind} {reader.SegmentIndex}",
            });
        }

        Assert.Equal(
            [
                "Commit 0",
                "SegmentStart 1", "Partition alpha", "Record 61=4649525354", "Remove 62", "Record 64=666F75727468", "Partition zeta", "Commit 1",
                "SegmentStart 2", "DropPartition binary", "Partition binary", "Record =42", "DropPartition empty", "Commit 2",
            ],
            entries);
    }

    [Fact]
    public void Verify_TornLastDelta_AtEveryLength_ReportsSoundPrefixAndDroppedBytes()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(GoldenPath);
        var full = BackupVerifier.Verify(GoldenPath, TestContext.Current.CancellationToken);
        var path = Path.Combine(folder.Path, "torn.ebk");
        var commits = CommitEnds(GoldenPath);
        for (var length = (int)full.BaseBytes; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);
            var sound = commits.Last(c => c <= length);

            Assert.True(result.Sound, $"{length}: {result.Reason}");
            Assert.Equal(sound, result.SoundBytes);
            Assert.Equal(length - sound, result.DroppedTailBytes);
            Assert.Equal(commits.IndexOf(sound), result.Deltas);
        }
    }

    [Fact]
    public void Verify_DamageInsideTheBase_IsCorruptEvenWithDeltasAfterIt()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(GoldenPath);
        bytes[60] ^= 0x10;
        var path = Path.Combine(folder.Path, "bad-base.ebk");
        File.WriteAllBytes(path, bytes);

        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.Equal(BackupProblem.Corrupt, result.Problem);
        Assert.Equal(0, result.SoundBytes);
    }

    [Fact]
    public void Verify_BitFlipInADelta_DropsThatDeltaAndWhatFollows()
    {
        using var folder = new TempFolder();
        var commits = CommitEnds(GoldenPath);
        var bytes = File.ReadAllBytes(GoldenPath);
        var path = Path.Combine(folder.Path, "flipped.ebk");
        for (var offset = (int)commits[0]; offset < bytes.Length; offset++)
        {
            var copy = (byte[])bytes.Clone();
            copy[offset] ^= 0x01;
            File.WriteAllBytes(path, copy);

            var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

            Assert.True(result.Sound, $"{offset}: {result.Reason}");
            Assert.Equal(commits.Last(c => c <= offset), result.SoundBytes);
            Assert.Equal(bytes.Length - result.SoundBytes, result.DroppedTailBytes);
        }
    }

    [Fact]
    public void Verify_DeltaInVersion1File_IsCorrupt()
    {
        using var folder = new TempFolder();
        var bytes = File.ReadAllBytes(GoldenPath);
        // Claim version 1 and fix the header frame's CRC: the deltas are then not allowed.
        BitConverter.GetBytes((ushort)1).CopyTo(bytes, BackupFormat.VersionFileOffset);
        var headerLength = BitConverter.ToInt32(bytes, 0) + BackupFormat.FrameHeaderSize;
        BitConverter.GetBytes(Crc32C.Compute(bytes.AsSpan(0, headerLength))).CopyTo(bytes, headerLength);
        var path = Path.Combine(folder.Path, "v1-with-deltas.ebk");
        File.WriteAllBytes(path, bytes);

        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.Equal(BackupProblem.Corrupt, result.Problem);
    }

    [Fact]
    public void Append_NothingChanged_StillWritesOnlyWhatItIsGiven()
    {
        // The journal never calls Append with an empty set; an empty delta is still a valid segment (start + commit).
        using var folder = new TempFolder();
        using var store = new InMemoryStore();
        var tracker = store.EnableChangeTracking();
        var path = new BackupManager(new BackupOptions { Folder = folder.Path }).Backup(store, cancellationToken: TestContext.Current.CancellationToken).Path;
        var before = new FileInfo(path).Length;

        var bytes = JournalFiles.AppendDelta(path, tracker.Drain(), TimeProvider.System);

        Assert.Equal(before + bytes, new FileInfo(path).Length);
        Assert.Equal(BackupFormat.FrameOverhead + BackupFormat.SegmentStartPayloadSize + BackupFormat.CommitFrameSize, bytes);
        Assert.Equal(1, BackupVerifier.Verify(path, TestContext.Current.CancellationToken).Deltas);
    }

    /// <summary>The end offsets of every commit frame in a sound file, in order.</summary>
    internal static List<long> CommitEnds(string path)
    {
        var ends = new List<long>();
        using var reader = BackupReader.Open(path);
        for (var kind = reader.Read(); kind != BackupEntryKind.End; kind = reader.Read())
        {
            if (kind == BackupEntryKind.Commit)
            {
                ends.Add(reader.CommittedOffset);
            }
        }

        return ends;
    }
}
