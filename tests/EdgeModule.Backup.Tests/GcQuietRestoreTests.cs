using System.Runtime;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

[CollectionDefinition(nameof(GcQuietRestoreTests), DisableParallelization = true)]
public sealed class GcQuietRestoreCollection;

/// <summary>
/// A large restore into the in-memory store runs in a no-GC region. The region is process-wide, so these tests run
/// alone (another test's allocations would end it early), and they check the region is always given back.
/// </summary>
[Collection(nameof(GcQuietRestoreTests))]
public sealed class GcQuietRestoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Restore_LargeEnoughIntoMemory_RunsWithoutCollectionsAndGivesTheRegionBack()
    {
        using var source = new InMemoryStore();
        StoreContent.FillBulk(source, partitions: 3, records: 3000, valueBytes: 1000);
        var expected = StoreContent.Read(source);
        var modes = new List<GCLatencyMode>();
        var options = new BackupOptions
        {
            Folder = _folder.Path,
            QuietGcRestoreBytes = 1,
            FaultHook = point =>
            {
                if (point == BackupFaultPoint.RestoreBatch)
                {
                    modes.Add(GCSettings.LatencyMode);
                }
            },
        };
        var manager = new BackupManager(options);
        manager.Backup(source, cancellationToken: Ct);

        using var target = new InMemoryStore();
        var result = manager.Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        StoreContent.AssertEqual(expected, target);
        Assert.Equal(GCLatencyMode.NoGCRegion, modes[0]);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Restore_DamagedFileInARegion_LeavesTheStoreEmptyAndGivesTheRegionBack()
    {
        using var source = new InMemoryStore();
        StoreContent.FillBulk(source, partitions: 2, records: 2000, valueBytes: 500);
        var options = new BackupOptions { Folder = _folder.Path, QuietGcRestoreBytes = 1 };
        var manager = new BackupManager(options);
        var path = manager.Backup(source, cancellationToken: Ct).Path;
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length * 3 / 4] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        using var target = new InMemoryStore();
        var result = manager.Restore(target, Ct);

        Assert.Equal(RestoreOutcome.StartingEmpty, result.Outcome);
        Assert.Single(result.Quarantined);
        Assert.DoesNotContain(target.ListPartitions(), p => target.GetPartition(p).Count() > 0);
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public async Task Restore_TwoAtOnce_OnlyOneHoldsTheRegionAndBothRestore()
    {
        var stores = new List<(BackupManager Manager, SortedDictionary<string, List<(byte[] Key, byte[] Value)>> Expected)>();
        for (var i = 0; i < 2; i++)
        {
            using var source = new InMemoryStore();
            StoreContent.FillBulk(source, partitions: 2, records: 2000, valueBytes: 800, seed: i);
            var manager = new BackupManager(new BackupOptions { Folder = _folder.Sub($"b{i}"), QuietGcRestoreBytes = 1 });
            manager.Backup(source, cancellationToken: Ct);
            stores.Add((manager, StoreContent.Read(source)));
        }

        var restores = stores.Select(s => Task.Run(
            () =>
            {
                using var target = new InMemoryStore();
                Assert.Equal(RestoreOutcome.Restored, s.Manager.Restore(target, Ct).Outcome);
                StoreContent.AssertEqual(s.Expected, target);
            },
            Ct)).ToArray();
        await Task.WhenAll(restores);

        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
