using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Journal;

/// <summary>
/// Freezes the delta segments: Golden/v2-deltas.ebk (version 2: a base and two deltas of plain frames, which the
/// journal still writes into a version-2 generation it continues) and Golden/v3-deltas.ebk (version 3: the same, then
/// two deltas with run frames). Checks how the reader treats a torn tail: the sound prefix, never damage. Regenerate
/// v3-deltas.ebk on purpose only, with a version bump: EDGEMODULE_UPDATE_GOLDEN=1; v2-deltas.ebk is never regenerated.
/// </summary>
public sealed class DeltaFormatTests
{
    private static string GoldenPath => Golden("v2-deltas.ebk");

    private static string GoldenV3Path => Golden("v3-deltas.ebk");

    [Fact]
    public void Journal_ContinuingTheV2GoldenBase_AppendsTheV2GoldenDeltasByteForByte()
    {
        // A version-2 generation restored after an upgrade: the journal appends plain frames to it, as version 2 did.
        using var folder = new TempFolder();
        var golden = File.ReadAllBytes(GoldenPath);
        var frozenBase = golden[..(int)CommitEnds(GoldenPath)[0]];

        var written = File.ReadAllBytes(JournalFiles.WriteGoldenV2(folder.Path, frozenBase));

        Assert.Equal(golden, written);
    }

    [Fact]
    public void Journal_GoldenStoreAndDeltas_IsByteIdenticalToCommittedGoldenV3File()
    {
        using var folder = new TempFolder();
        var written = File.ReadAllBytes(JournalFiles.WriteGoldenV3(folder.Path));
        if (Environment.GetEnvironmentVariable("EDGEMODULE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllBytes(GoldenV3Path, written);
        }

        Assert.Equal(File.ReadAllBytes(GoldenV3Path), written);
    }

    [Fact]
    public void GoldenV3_StartsWithTheV2GoldenFramesAndHasRunFramesOnlyInItsLastDeltas()
    {
        var v2 = FrameFile.Read(GoldenPath);
        var v3 = FrameFile.Read(GoldenV3Path);

        // The same frames up to v2's last commit, except the version field and what covers it (the digests).
        for (var i = 0; i < v2.Frames.Count; i++)
        {
            Assert.Equal(v2.Frames[i].Type, v3.Frames[i].Type);
            var (a, b) = (v2.Frames[i].Payload, v3.Frames[i].Payload);
            switch (v2.Frames[i].Type)
            {
                case FrameType.FileHeader:
                    Assert.Equal(a[..8].Concat(a[10..]), b[..8].Concat(b[10..]));
                    break;
                case FrameType.Commit:
                    Assert.Equal(a[..44].Concat(a[48..]), b[..44].Concat(b[48..]));
                    break;
                default:
                    Assert.Equal(a, b);
                    break;
            }
        }

        Assert.Equal(
            [
                FrameType.SegmentStart, FrameType.Partition, FrameType.Remove, FrameType.RecordRun,
                FrameType.Partition, FrameType.RecordRun, FrameType.Record, FrameType.Partition, FrameType.RecordRun, FrameType.Commit,
            ],
            v3.SegmentTypes(3));
        Assert.Equal(
            [
                FrameType.SegmentStart, FrameType.Partition, FrameType.RemoveRun, FrameType.Record, FrameType.Remove,
                FrameType.Partition, FrameType.RemoveRun, FrameType.DropPartition, FrameType.Commit,
            ],
            v3.SegmentTypes(4));
    }

    [Theory]
    [InlineData("v2-deltas.ebk", 2, 2)]
    [InlineData("v3-deltas.ebk", 3, 4)]
    public void Verify_GoldenDeltas_ReportsBaseDeltasAndLastSequence(string name, int version, int deltas)
    {
        var path = Golden(name);
        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.True(result.Sound, result.Reason);
        Assert.Equal(version, result.Header!.FormatVersion);
        Assert.Equal(deltas + 1, result.Segments);
        Assert.Equal(deltas, result.Deltas);
        Assert.Equal(0, result.DroppedTailBytes);
        Assert.Equal(new FileInfo(path).Length, result.SoundBytes);
        Assert.InRange(result.BaseBytes, 1, result.SoundBytes - 1);
        Assert.Equal(BackupFiles.GoldenTime.AddSeconds(deltas), result.LastTime);
        Assert.Equal(result.LastCommit!.Sequence, result.LastSequence);
        Assert.True(result.LastSequence > result.Header.Sequence);
        Assert.Equal(BackupFormat.SegmentKindDelta, result.LastCommit.Kind);
    }

    [Fact]
    public void Verify_GoldenV3_CountsEachKeyOfARunAsARecord()
    {
        var result = BackupVerifier.Verify(GoldenV3Path, TestContext.Current.CancellationToken);

        // Base 5 records; delta 1: 3, delta 2: 1; delta 3: 6 + 4 + 3; delta 4: 5 + 1 + 3.
        Assert.Equal(5 + 3 + 1 + 13 + 9, result.Records);
        Assert.Equal(result.Records, result.RecordsRead);
        Assert.Equal(result.RecordBytes, result.RecordBytesRead);
        // Delta 4: eight removed keys (a removal counts its key) and one record, in runs or not.
        Assert.Equal((8 * 8) + 8 + "five again"u8.Length, result.LastCommit!.RecordBytes);
    }

    [Theory]
    [InlineData("v2-deltas.ebk")]
    [InlineData("v3-deltas.ebk")]
    public void Restore_GoldenDeltas_GivesTheirContent_InMemoryAndRocksDb(string name)
    {
        foreach (var backend in StoreFactory.All)
        {
            using var folder = new TempFolder();
            File.Copy(Golden(name), Path.Combine(folder.Path, "backup-000000000001.ebk"));
            using var target = StoreFactory.Create(backend, folder);

            var result = new BackupManager(new BackupOptions { Folder = folder.Path }).Restore(target, TestContext.Current.CancellationToken);

            Assert.Equal(RestoreOutcome.Restored, result.Outcome);
            StoreContent.AssertEqual(name.StartsWith("v2", StringComparison.Ordinal) ? JournalFiles.GoldenV2Content() : JournalFiles.GoldenV3Content(), target);
        }
    }

    [Fact]
    public void Read_GoldenV2_GivesDeltaEntriesInFileOrder()
    {
        Assert.Equal(
            [
                "Commit 0",
                "SegmentStart 1", "Partition alpha", "Record 61=4649525354", "Remove 62", "Record 64=666F75727468", "Partition zeta", "Commit 1",
                "SegmentStart 2", "DropPartition binary", "Partition binary", "Record =42", "DropPartition empty", "Commit 2",
            ],
            DeltaEntries(GoldenPath));
    }

    [Fact]
    public void Read_GoldenV3_GivesTheKeysOfItsRunsAsSingleEntries()
    {
        var entries = DeltaEntries(GoldenV3Path);

        Assert.Equal(DeltaEntries(GoldenPath), entries.Take(14));
        Assert.Equal(
            [
                "SegmentStart 3", "Partition alpha", "Remove 63", "Record 65=45", "Record 66=46",
                "Partition mq.messages", "Record 0000000000000001=6D31", "Record 0000000000000002=6D32", "Record 0000000000000003=6D33",
                "Record 0000000000000004=6D34", "Record 0000000000000005=6D35", "Record 0000000000000007=6D37",
                "Partition mq.queue.up", "Record 0000000000000001=7131", "Record 0000000000000002=7132", "Record 0000000000000003=7133",
                "Record 0000000000000004=7134", "Commit 3",
                "SegmentStart 4", "Partition mq.messages", "Remove 0000000000000001", "Remove 0000000000000002", "Remove 0000000000000003",
                "Remove 0000000000000004", "Record 0000000000000005=6669766520616761696E", "Remove 0000000000000007",
                "Partition mq.queue.up", "Remove 0000000000000001", "Remove 0000000000000002", "Remove 0000000000000003",
                "DropPartition zeta", "Commit 4",
            ],
            entries.Skip(14));
    }

    [Theory]
    [InlineData("v2-deltas.ebk")]
    [InlineData("v3-deltas.ebk")]
    public void Verify_TornLastDelta_AtEveryLength_ReportsSoundPrefixAndDroppedBytes(string name)
    {
        using var folder = new TempFolder();
        var golden = Golden(name);
        var bytes = File.ReadAllBytes(golden);
        var full = BackupVerifier.Verify(golden, TestContext.Current.CancellationToken);
        var path = Path.Combine(folder.Path, "torn.ebk");
        var commits = CommitEnds(golden);
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

    [Theory]
    [InlineData("v2-deltas.ebk")]
    [InlineData("v3-deltas.ebk")]
    public void Verify_BitFlipInADelta_DropsThatDeltaAndWhatFollows(string name)
    {
        using var folder = new TempFolder();
        var commits = CommitEnds(Golden(name));
        var bytes = File.ReadAllBytes(Golden(name));
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
        // Claim version 1 and seal the file again (header CRC and the commits' digests): only the rule can fail.
        var file = FrameFile.Read(GoldenPath);
        file.SetVersion(1);
        var path = Path.Combine(folder.Path, "v1-with-deltas.ebk");
        file.Write(path);

        var result = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);

        Assert.Equal(BackupProblem.Corrupt, result.Problem);
        Assert.Equal(CommitEnds(GoldenPath)[0], result.FirstBadOffset);
        Assert.Contains("segment kind 2 is not supported by format version 1", result.Reason, StringComparison.Ordinal);
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

    /// <summary>The entries of a sound file from segment 0's commit on, in file order.</summary>
    internal static List<string> DeltaEntries(string path)
    {
        using var reader = BackupReader.Open(path);
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

        return entries;
    }

    private static string Golden(string name) => Path.Combine(BackupFiles.GoldenFolder(), name);

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
