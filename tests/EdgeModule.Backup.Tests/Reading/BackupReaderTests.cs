using EdgeModule.Backup.Tests.Support;

namespace EdgeModule.Backup.Tests.Reading;

/// <summary>The entry-by-entry reader a future inspect tool and a message-aware restore build on.</summary>
public sealed class BackupReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_GoldenFile_YieldsEntriesInFileOrder()
    {
        var path = BackupFiles.WriteGolden(_folder.Path);
        var entries = new List<string>();
        using (var reader = BackupReader.Open(path))
        {
            BackupEntryKind kind;
            while ((kind = reader.Read()) != BackupEntryKind.End)
            {
                entries.Add(kind switch
                {
                    BackupEntryKind.Header => $"header {reader.Header!.SourceIdentity}",
                    BackupEntryKind.Partition => $"partition {reader.PartitionName}",
                    BackupEntryKind.Record => $"record {Convert.ToHexString(reader.Key)}={Convert.ToHexString(reader.Value)}",
                    BackupEntryKind.Commit => $"commit {reader.LastCommit!.Records}",
                    _ => kind.ToString(),
                });
            }

            Assert.Equal(new FileInfo(path).Length, reader.CommittedOffset);
        }

        Assert.Equal(
            [
                "header golden-store", "SegmentStart",
                "partition alpha", "record 61=6669727374", "record 62=", "record 63=74686972642076616C7565",
                "partition binary", "record 00=FF007F", "record FFFE=01",
                "partition empty",
                "commit 5",
            ],
            entries);
    }

    [Fact]
    public void Read_AfterEnd_KeepsReturningEnd()
    {
        using var reader = BackupReader.Open(BackupFiles.WriteGolden(_folder.Path));
        while (reader.Read() != BackupEntryKind.End)
        {
        }

        Assert.Equal(BackupEntryKind.End, reader.Read());
    }
}
