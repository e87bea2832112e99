using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Format;

/// <summary>
/// The reader gets the file in chunks from a read-ahead thread: frames split across chunks (short ones through the
/// headroom, long ones through the assembly buffer) must come out whole, and a file that shrinks must fail cleanly.
/// </summary>
public sealed class ReadAheadTests : IDisposable
{
    private const int SmallChunk = 64 << 10;

    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Restore_RecordsOfEverySizeAroundChunkAndHeadroom_AreByteExact()
    {
        using var source = new InMemoryStore();
        var partition = source.GetOrCreatePartition("sizes");
        var random = new Random(3);
        var sizes = new[] { 0, 1, 100, 4000, (64 << 10) - 20, 64 << 10, (64 << 10) + 1, 100_000, 130_000, 200_000, 1 << 20 };
        var key = 0;
        for (var round = 0; round < 4; round++)
        {
            foreach (var size in sizes.Concat(Enumerable.Range(0, 30).Select(_ => random.Next(0, 3000))))
            {
                var value = new byte[size];
                random.NextBytes(value);
                partition.Put(BitConverter.GetBytes(key++).Reverse().ToArray(), value);
            }
        }

        var expected = StoreContent.Read(source);
        var options = new BackupOptions { Folder = _folder.Path, ReadBufferBytes = SmallChunk, WriteBufferBytes = SmallChunk };
        new BackupManager(options).Backup(source, cancellationToken: Ct);

        using var target = new InMemoryStore();
        var result = new BackupManager(options).Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        StoreContent.AssertEqual(expected, target);
    }

    [Fact]
    public void Read_FileShrinksWhileBeingRead_ThrowsIOExceptionNotGarbage()
    {
        using var source = new InMemoryStore();
        StoreContent.FillBulk(source, partitions: 2, records: 2000, valueBytes: 1000);
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(source, cancellationToken: Ct).Path;

        using var reader = BackupReader.Open(path, SmallChunk);
        for (var i = 0; i < 10; i++)
        {
            Assert.NotEqual(BackupEntryKind.End, reader.Read());
        }

        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(file.Length / 2); // far more than the chunks already read ahead
        }

        Assert.ThrowsAny<IOException>(() =>
        {
            while (reader.Read() != BackupEntryKind.End)
            {
            }
        });
    }

    [Fact]
    public void Dispose_MidFile_StopsTheReadAheadAndReleasesTheFile()
    {
        using var source = new InMemoryStore();
        StoreContent.FillBulk(source, partitions: 1, records: 2000, valueBytes: 1000);
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(source, cancellationToken: Ct).Path;

        var reader = BackupReader.Open(path, SmallChunk);
        reader.Read();
        reader.Dispose();

        using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Assert.True(exclusive.Length > 0);
    }
}
