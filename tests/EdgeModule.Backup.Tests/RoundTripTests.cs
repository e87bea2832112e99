using EdgeModule.Backup.Tests.Support;

namespace EdgeModule.Backup.Tests;

/// <summary>Every backend into every backend, byte-exact: empty partitions, empty keys and values, a 1 MiB value.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<Backend, Backend> Pairs()
    {
        var data = new TheoryData<Backend, Backend>();
        foreach (var from in StoreFactory.All)
        {
            foreach (var to in StoreFactory.All)
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(Pairs))]
    public void BackupThenRestore_AwkwardContent_IsByteExact(Backend from, Backend to)
    {
        using var source = StoreFactory.Create(from, _folder);
        StoreContent.FillAwkward(source);
        var expected = StoreContent.Read(source);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Sub("backups"), RestoreBatchBytes = 64 << 10 });

        var backup = manager.Backup(source, cancellationToken: Ct);
        using var target = StoreFactory.Create(to, _folder);
        var restore = manager.Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, restore.Outcome);
        Assert.Equal(backup.Records, restore.Records);
        Assert.Equal(backup.Partitions, restore.Partitions);
        Assert.Equal(source.BackendName, BackupVerifier.Verify(backup.Path, Ct).Header!.BackendName);
        StoreContent.AssertEqual(expected, target);
    }

    [Fact]
    public void BackupThenRestore_ValuesLargerThanBuffers_StreamThroughAndStayByteExact()
    {
        using var source = StoreFactory.Create(Backend.Memory, _folder);
        StoreContent.FillAwkward(source);
        var random = new Random(5);
        var huge = new byte[5 << 20];
        random.NextBytes(huge);
        source.GetOrCreatePartition("large").Put("five-mebibytes"u8.ToArray(), huge);
        var expected = StoreContent.Read(source);
        var options = new BackupOptions { Folder = _folder.Sub("backups"), WriteBufferBytes = 64 << 10, ReadBufferBytes = 64 << 10 };
        var manager = new BackupManager(options);

        manager.Backup(source, cancellationToken: Ct);
        using var target = StoreFactory.Create(Backend.Memory, _folder);
        manager.Restore(target, Ct);

        StoreContent.AssertEqual(expected, target);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void BackupThenRestore_EmptyStore_GivesEmptyStore(Backend from, Backend to)
    {
        using var source = StoreFactory.Create(from, _folder);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Sub("backups") });

        manager.Backup(source, cancellationToken: Ct);
        using var target = StoreFactory.Create(to, _folder);
        var restore = manager.Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, restore.Outcome);
        Assert.Equal(0, restore.Records);
        Assert.Empty(target.ListPartitions());
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void BackupOfRestoredStore_IsByteIdenticalApartFromHeader(Backend from, Backend to)
    {
        using var source = StoreFactory.Create(from, _folder);
        StoreContent.FillBulk(source, partitions: 3, records: 3000, valueBytes: 100);
        var first = new BackupManager(new BackupOptions { Folder = _folder.Sub("first") }).Backup(source, cancellationToken: Ct);
        using var target = StoreFactory.Create(to, _folder);
        new BackupManager(new BackupOptions { Folder = _folder.Sub("first") }).Restore(target, Ct);

        var second = new BackupManager(new BackupOptions { Folder = _folder.Sub("second") }).Backup(target, cancellationToken: Ct);

        // Everything after the header and segment start (which hold time, identity, sequence) must be identical.
        var a = File.ReadAllBytes(first.Path);
        var b = File.ReadAllBytes(second.Path);
        Assert.Equal(first.Records, second.Records);
        Assert.Equal(a.Length - HeaderLength(a), b.Length - HeaderLength(b));
        Assert.True(a.AsSpan(HeaderLength(a), a.Length - HeaderLength(a) - Backup.Format.BackupFormat.CommitFrameSize)
            .SequenceEqual(b.AsSpan(HeaderLength(b), b.Length - HeaderLength(b) - Backup.Format.BackupFormat.CommitFrameSize)));
    }

    private static int HeaderLength(byte[] file)
    {
        var header = BitConverter.ToInt32(file, 0) + Backup.Format.BackupFormat.FrameOverhead;
        return header + BitConverter.ToInt32(file, header) + Backup.Format.BackupFormat.FrameOverhead;
    }
}
