using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

/// <summary>
/// A restore checks the file as it applies it, so damage is found after records are already in the store. Whatever
/// breaks it (the file, the store, cancellation), the caller must get the store back as empty as it was.
/// </summary>
public sealed class SinglePassRestoreTests : IDisposable
{
    // Small batches and buffers: many batches reach the store before the damage further on is read.
    private const int SmallBatch = 4 << 10;
    private const int SmallBuffer = 64 << 10;

    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each backend with damage at a fraction of the file (in thousandths) and at the commit frame (-1).</summary>
    public static TheoryData<Backend, int> DamagePoints()
    {
        var data = new TheoryData<Backend, int>();
        foreach (var backend in StoreFactory.All)
        {
            foreach (var permille in new[] { 100, 500, 900, 999, -1 })
            {
                data.Add(backend, permille);
            }
        }

        return data;
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [MemberData(nameof(DamagePoints))]
    public void RestoreFile_DamagedAt_ThrowsAndLeavesStoreEmpty(Backend backend, int permille)
    {
        var path = DamagedBackup(permille, out var offset);
        using var target = StoreFactory.Create(backend, _folder);
        var batches = 0;

        var ex = Assert.Throws<BackupCorruptException>(() => Manager(() => batches++).RestoreFile(path, target, Ct));

        Assert.InRange(ex.Offset, 0, offset);
        Assert.True(batches > 0, "no batch reached the store before the damage was found");
        Assert.Empty(target.ListPartitions());
    }

    [Theory]
    [MemberData(nameof(DamagePoints))]
    public void Restore_NewestDamagedAt_QuarantinesDiscardsAndRestoresOlder(Backend backend, int permille)
    {
        using var older = new InMemoryStore();
        older.GetOrCreatePartition("older").Put([1], [2]);
        Manager(null).Backup(older, cancellationToken: Ct);
        DamagedBackup(permille, out _);
        using var target = StoreFactory.Create(backend, _folder);

        var result = Manager(null).Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Equal(1, result.Generation);
        Assert.Single(result.Quarantined);
        StoreContent.AssertEqual(StoreContent.Read(older), target);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Restore_OnlyGenerationDamaged_StartsEmptyKeepingTheCallersEmptyPartitions(Backend backend)
    {
        DamagedBackup(900, out _);
        using var target = StoreFactory.Create(backend, _folder);
        var mine = target.GetOrCreatePartition("p1"); // also in the backup: emptied, not dropped
        target.GetOrCreatePartition("zz-not-in-backup");

        var result = Manager(null).Restore(target, Ct);

        Assert.Equal(RestoreOutcome.StartingEmpty, result.Outcome);
        Assert.Equal(["p1", "zz-not-in-backup"], target.ListPartitions());
        Assert.Equal(0, mine.Count());
        mine.Put([1], [1]); // the caller's handle still works
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Restore_CancelledMidway_ThrowsAndLeavesStoreEmpty(Backend backend)
    {
        using (var source = Source())
        {
            Manager(null).Backup(source, cancellationToken: Ct);
        }

        using var target = StoreFactory.Create(backend, _folder);
        using var cts = new CancellationTokenSource();
        var batches = 0;

        Assert.ThrowsAny<OperationCanceledException>(() => Manager(() =>
        {
            if (++batches == 3)
            {
                cts.Cancel();
            }
        }).Restore(target, cts.Token));

        Assert.Empty(target.ListPartitions());
    }

    [Fact]
    public void Restore_StoreFillsUpMidway_ThrowsAndLeavesStoreEmpty()
    {
        using (var source = Source())
        {
            Manager(null).Backup(source, cancellationToken: Ct);
        }

        using var target = new InMemoryStore(new InMemoryStoreOptions { MemoryLimitBytes = 200 << 10 });

        Assert.Throws<StoreFullException>(() => Manager(null).Restore(target, Ct));

        Assert.Empty(target.ListPartitions());
    }

    [Fact]
    public void Restore_ValueOverTheTargetsLimit_ThrowsThatAndLeavesStoreEmpty()
    {
        using (var source = Source())
        {
            Manager(null).Backup(source, cancellationToken: Ct);
        }

        using var target = new InMemoryStore(new InMemoryStoreOptions { MaxValueBytes = 999 });

        var ex = Assert.ThrowsAny<ArgumentException>(() => Manager(null).Restore(target, Ct));

        Assert.Contains("999", ex.Message, StringComparison.Ordinal);
        Assert.Empty(target.ListPartitions());
    }

    [Fact]
    public void Restore_StoreCannotBeEmptiedAfterAFailure_SaysTheStoreMustNotBeUsed()
    {
        using (var source = Source())
        {
            Manager(null).Backup(source, cancellationToken: Ct);
        }

        var target = new InMemoryStore();
        var batches = 0;

        var ex = Assert.Throws<BackupException>(() => Manager(() => _ = ++batches == 3 ? Dispose(target) : 0).Restore(target, Ct));

        Assert.Contains("must not be used", ex.Message, StringComparison.Ordinal);
        var both = Assert.IsType<AggregateException>(ex.InnerException);
        Assert.All(both.InnerExceptions, e => Assert.IsType<ObjectDisposedException>(e));
    }

    public static TheoryData<Backend> Backends() => [.. StoreFactory.All];

    /// <summary>About 600 KB over three partitions.</summary>
    private static InMemoryStore Source()
    {
        var store = new InMemoryStore();
        StoreContent.FillBulk(store, partitions: 3, records: 600, valueBytes: 1000);
        return store;
    }

    private static int Dispose(IDisposable store)
    {
        store.Dispose();
        return 0;
    }

    private BackupManager Manager(Action? onBatch) => new(new BackupOptions
    {
        Folder = _folder.Path,
        ReadBufferBytes = SmallBuffer,
        RestoreBatchBytes = SmallBatch,
        FaultHook = p =>
        {
            if (p == BackupFaultPoint.RestoreBatch)
            {
                onBatch?.Invoke();
            }
        },
    });

    /// <summary>Backs up <see cref="Source"/> as the newest generation and flips a byte at the given point of it.</summary>
    private string DamagedBackup(int permille, out int offset)
    {
        using var source = Source();
        var path = Manager(null).Backup(source, cancellationToken: Ct).Path;
        var length = (int)new FileInfo(path).Length;
        offset = permille < 0 ? length - 20 : (int)((long)length * permille / 1000);
        GenerationTests.FlipByte(path, offset);
        return path;
    }
}
