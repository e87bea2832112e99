using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;

namespace EdgeModule.Backup.Tests.Reading;

/// <summary>
/// What the reader refuses in run frames, each at the frame that breaks the rule: run frames in a version 1 or 2 file
/// or in a full segment, keys out of order inside and around a run, a run past the largest key of its length, an empty
/// or malformed run, more than 64 KiB of keys. The files are Golden/v3-deltas.ebk changed one frame at a time and
/// sealed again (<see cref="FrameFile"/>: CRCs, counts and digests made to match), so only the rule can fail.
/// </summary>
public sealed class RunFrameReaderTests : IDisposable
{
    private readonly TempFolder _folder = new("run-reader");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FrameFile Golden => FrameFile.Read(Path.Combine(BackupFiles.GoldenFolder(), "v3-deltas.ebk"));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_SealedCopyOfTheGolden_IsSound()
    {
        // The baseline for everything below: taking the file apart and sealing it again changes nothing.
        Assert.Equal(File.ReadAllBytes(Path.Combine(BackupFiles.GoldenFolder(), "v3-deltas.ebk")), Golden.ToBytes());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Read_RunFramesInAnOlderVersionFile_AreDamage(ushort version)
    {
        var file = Golden;
        file.SetVersion(version);
        if (version == 1)
        {
            // Version 1 has no deltas: the run goes into the base, after the last record of partition "alpha".
            file.Frames.RemoveRange(file.IndexOf(FrameType.Commit) + 1, file.Frames.Count - file.IndexOf(FrameType.Commit) - 1);
            file.Frames.Insert(file.IndexOf(FrameType.Partition, 1), (FrameType.RecordRun, FrameFile.RecordRun("x"u8.ToArray(), [1], [2])));
        }

        var bad = file.IndexOf(FrameType.RecordRun);
        var result = AssertDamagedAt(file, bad, $"not allowed in a format version {version} file");

        // In version 2 a bad frame after the base is a torn tail: the deltas before it stay.
        Assert.Equal(version == 2 ? BackupProblem.None : BackupProblem.Corrupt, result.Problem);
        Assert.Equal(version == 2 ? 2 : 0, result.Deltas);
    }

    [Fact]
    public void Read_RunFrameInTheFullSegment_IsCorrupt()
    {
        var file = Golden;
        file.Frames.Insert(file.IndexOf(FrameType.Partition, 1), (FrameType.RemoveRun, FrameFile.RemoveRun(2, "x"u8.ToArray())));

        var result = AssertDamagedAt(file, file.IndexOf(FrameType.RemoveRun), "not allowed here");

        Assert.Equal(BackupProblem.Corrupt, result.Problem);
    }

    [Theory]
    [InlineData("c")] // alpha's delta: Remove "c", then the run "e", "f"; the run's first key equal to the previous key
    [InlineData("b")] // before it
    public void Read_RunWhoseFirstKeyDoesNotSortAfterThePreviousKey_IsDamage(string first)
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RecordRun);
        file.Frames[run] = (FrameType.RecordRun, FrameFile.RecordRun(System.Text.Encoding.ASCII.GetBytes(first), "E"u8.ToArray(), "F"u8.ToArray()));

        AssertDamagedAt(file, run, "does not sort after the previous key");
    }

    [Theory]
    [InlineData(6, false)] // messages 1..6, then the record of key 7: in order
    [InlineData(7, true)] // 1..7, then 7 again
    [InlineData(8, true)] // 1..8, then 7
    public void Read_RecordRunWhoseLastKeyDoesNotSortBeforeTheNextFrame_IsDamageAtTheNextFrame(int count, bool damaged)
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RecordRun, 1);
        file.Frames[run] = (FrameType.RecordRun, FrameFile.RecordRun(JournalFiles.U64(1), [.. Enumerable.Range(1, count).Select(i => new[] { (byte)i })]));

        if (damaged)
        {
            AssertDamagedAt(file, run + 1, "does not sort after the previous key");
        }
        else
        {
            AssertSound(file);
        }
    }

    [Theory]
    [InlineData(4, false)] // messages 1..4 removed, then the record of key 5
    [InlineData(5, true)]
    public void Read_RemoveRunWhoseLastKeyDoesNotSortBeforeTheNextFrame_IsDamageAtTheNextFrame(uint count, bool damaged)
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RemoveRun);
        file.Frames[run] = (FrameType.RemoveRun, FrameFile.RemoveRun(count, JournalFiles.U64(1)));

        if (damaged)
        {
            AssertDamagedAt(file, run + 1, "does not sort after the previous key");
        }
        else
        {
            AssertSound(file);
        }
    }

    [Theory]
    [InlineData(1, false)] // the largest key itself: a run of one
    [InlineData(2, true)] // and its successor, which does not exist
    public void Read_RemoveRunPastTheLargestKeyOfItsLength_IsDamage(uint count, bool damaged)
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RemoveRun, 1); // the queue's, the last frame of its partition
        file.Frames[run] = (FrameType.RemoveRun, FrameFile.RemoveRun(count, [.. Enumerable.Repeat((byte)0xFF, 8)]));

        if (damaged)
        {
            AssertDamagedAt(file, run, "runs past the largest key of 8 bytes");
        }
        else
        {
            AssertSound(file);
        }
    }

    [Fact]
    public void Read_RecordRunPastTheLargestKeyOfItsLength_IsDamage()
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RecordRun, 2); // the queue's, the last frame of its partition
        file.Frames[run] = (FrameType.RecordRun, FrameFile.RecordRun([0xFF, 0xFE], [1], [2], [3]));

        AssertDamagedAt(file, run, "runs past the largest key of 2 bytes");
    }

    [Fact]
    public void Read_RunOfTheEmptyKey_IsOneKeyOrDamage()
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RecordRun, 2);
        file.Frames.Insert(run, (FrameType.RecordRun, FrameFile.RecordRun([], [1])));
        file.Frames.RemoveAt(run + 1);
        AssertSound(file);

        file.Frames[run] = (FrameType.RecordRun, FrameFile.RecordRun([], [1], [2]));
        AssertDamagedAt(file, run, "runs past the largest key of 0 bytes");
    }

    [Theory]
    [InlineData(FrameType.RemoveRun, new byte[] { 0x00, 0x01 }, "holds no key")] // count 0
    [InlineData(FrameType.RecordRun, new byte[] { 0x01, 0x01 }, "holds no key")] // a key, no value
    [InlineData(FrameType.RecordRun, new byte[] { 0x01, 0x01, 0x05, 0x00 }, "value 0 of the record run frame has a malformed length")]
    [InlineData(FrameType.RecordRun, new byte[] { 0x01, 0x01, 0x01, 0x00, 0x80 }, "value 1 of the record run frame has a malformed length")]
    [InlineData(FrameType.RecordRun, new byte[] { 0x09, 0x01 }, "key length is malformed")]
    [InlineData(FrameType.RemoveRun, new byte[] { 0x80 }, "count is malformed")]
    public void Read_MalformedRunFrame_IsDamage(FrameType type, byte[] payload, string reason)
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RecordRun, 2);
        file.Frames[run] = (type, payload);

        AssertDamagedAt(file, run, reason);
    }

    [Theory]
    [InlineData(8192u, false)] // 64 KiB of 8-byte keys
    [InlineData(8193u, true)]
    public void Read_RemoveRunOfMoreThan64KiBOfKeys_IsDamage(uint count, bool damaged)
    {
        var file = Golden;
        var run = file.IndexOf(FrameType.RemoveRun, 1);
        file.Frames[run] = (FrameType.RemoveRun, FrameFile.RemoveRun(count, JournalFiles.U64(1)));

        if (damaged)
        {
            AssertDamagedAt(file, run, "more than 65536 bytes of keys");
        }
        else
        {
            var result = AssertSound(file);
            Assert.Equal(count + 5 + 1, result.LastCommit!.Records);
        }
    }

    private BackupVerification AssertSound(FrameFile file)
    {
        var path = Path.Combine(_folder.Path, "sound.ebk");
        file.Write(path);
        var result = BackupVerifier.Verify(path, Ct);
        Assert.True(result.Sound, result.Reason);
        Assert.Equal(0, result.DroppedTailBytes);
        return result;
    }

    /// <summary>Reading fails at frame <paramref name="index"/> for <paramref name="reason"/>; returns the verification.</summary>
    private BackupVerification AssertDamagedAt(FrameFile file, int index, string reason)
    {
        var path = Path.Combine(_folder.Path, "damaged.ebk");
        file.Write(path);
        using (var reader = BackupReader.Open(path))
        {
            var ex = Assert.Throws<BackupCorruptException>(() =>
            {
                while (reader.Read() != BackupEntryKind.End)
                {
                }
            });
            Assert.Equal(file.OffsetOf(index), ex.Offset);
            Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        }

        var result = BackupVerifier.Verify(path, Ct);
        Assert.Equal(file.OffsetOf(index), result.FirstBadOffset);
        return result;
    }
}
