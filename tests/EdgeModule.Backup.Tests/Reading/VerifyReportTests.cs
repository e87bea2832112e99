using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Reading;

/// <summary>
/// What verify reports about a damaged file: where the first bad frame is and what was read before it. Before, a
/// backup with one bad byte in the middle said "0 bytes sound, 0 partitions, 0 records" (the counts were those of
/// committed segments only, and the only segment's commit is at the end).
/// </summary>
public sealed class VerifyReportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Verify_OneBadByteInTheMiddle_ReportsTheBadFrameAndTheFramesRecordsAndBytesBeforeIt()
    {
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, partitions: 4, records: 4000, valueBytes: 1000);
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct).Path;
        var middle = new FileInfo(path).Length / 2;

        // Independently: every frame's offset, kind and record bytes; the one holding the middle byte goes bad.
        var entries = new List<(long Offset, BackupEntryKind Kind, long Bytes)>();
        using (var reader = BackupReader.Open(path))
        {
            for (var kind = reader.Read(); kind != BackupEntryKind.End; kind = reader.Read())
            {
                entries.Add((reader.EntryOffset, kind, kind == BackupEntryKind.Record ? reader.Key.Length + reader.Value.Length : 0));
            }
        }

        var badFrame = entries.Last(e => e.Offset <= middle).Offset;
        var before = entries.Where(e => e.Offset < badFrame).ToList();
        GenerationTests.FlipByte(path, (int)middle);

        var v = BackupVerifier.Verify(path, Ct);

        Assert.Equal(BackupProblem.Corrupt, v.Problem);
        Assert.Equal(badFrame, v.FirstBadOffset);
        Assert.Equal(badFrame, v.BytesRead);
        Assert.Equal(before.Count, v.FramesRead);
        Assert.Equal(before.Count(e => e.Kind == BackupEntryKind.Partition), v.PartitionsRead);
        Assert.Equal(before.Count(e => e.Kind == BackupEntryKind.Record), v.RecordsRead);
        Assert.Equal(before.Sum(e => e.Bytes), v.RecordBytesRead);
        Assert.True(v.RecordsRead > 1000, $"{v.RecordsRead} records read");

        // Nothing of it was committed: a restore can use none of it, and the committed counts say so.
        Assert.Equal(0, v.SoundBytes);
        Assert.Equal(0, v.Records);
    }

    [Fact]
    public void Verify_SoundFile_ReadCountsEqualCommittedCounts()
    {
        using var store = new InMemoryStore();
        StoreContent.FillAwkward(store, withLargeValue: false);
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct).Path;

        var v = BackupVerifier.Verify(path, Ct);

        Assert.True(v.Sound);
        Assert.Equal(v.Records, v.RecordsRead);
        Assert.Equal(v.Partitions, v.PartitionsRead);
        Assert.Equal(v.RecordBytes, v.RecordBytesRead);
        Assert.Equal(v.FileBytes, v.BytesRead);
        Assert.Equal(v.Partitions + v.Records + 3, v.FramesRead); // header, segment start, commit
    }
}
