using System.Buffers.Binary;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Format;

/// <summary>
/// A damaged length field must not make the reader buffer what it claims. Before, a record frame whose length said
/// 16 MiB (within the file) was assembled in a 16 MiB buffer before its CRC could reject it (232 MB of RSS for a
/// 200 MB backup). Now a frame longer than the read-ahead headroom is checked as it streams past and only buffered
/// once its CRC matched.
/// </summary>
public sealed class FrameLengthBoundTests : IDisposable
{
    private const int ClaimedLength = 16 << 20;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A ~24 MiB backup, and the offset of its first record frame.</summary>
    private (string Path, long RecordOffset) WriteBackup()
    {
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, partitions: 1, records: 96, valueBytes: 256 << 10);
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct).Path;
        using var reader = BackupReader.Open(path);
        while (reader.Read() != BackupEntryKind.Record)
        {
        }

        return (path, reader.EntryOffset);
    }

    [Fact]
    public void Verify_RecordLengthDamagedToClaimMegabytes_RejectsItWithoutBufferingThem()
    {
        var (path, recordOffset) = WriteBackup();
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, ClaimedLength);
            RandomAccess.Write(file, length, recordOffset);
        }

        Assert.True(new FileInfo(path).Length - recordOffset > ClaimedLength + BackupFormat.FrameOverhead, "the claimed frame must fit in the file");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var verification = BackupVerifier.Verify(path, Ct);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(BackupProblem.Corrupt, verification.Problem);
        Assert.Equal(recordOffset, verification.FirstBadOffset);
        Assert.Contains("CRC", verification.Reason, StringComparison.Ordinal);
        Assert.True(allocated < ClaimedLength / 2, $"{allocated} bytes allocated to reject a frame claiming {ClaimedLength}");
    }

    [Fact]
    public void Verify_LargeSoundFrames_AreReadWhole()
    {
        var (path, _) = WriteBackup();

        var verification = BackupVerifier.Verify(path, Ct);

        Assert.True(verification.Sound, verification.Reason);
        Assert.Equal(96, verification.Records);
        Assert.Equal(256 << 10, verification.LongestValue);
    }
}
