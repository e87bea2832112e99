using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

public sealed class PlanningTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Estimate_NothingMeasured_IsUnknownAndDoesNotFit()
    {
        var estimate = new BackupManager(new BackupOptions { Folder = _folder.Path }).Estimate(1000, TimeSpan.FromHours(1));

        Assert.Equal(SpeedSource.Unknown, estimate.Source);
        Assert.Null(estimate.BytesPerSecond);
        Assert.False(estimate.Fits);
    }

    [Fact]
    public void Estimate_AfterBackup_UsesMeasuredSpeed()
    {
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, 2, 500, 1000);
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });
        var backup = manager.Backup(store, cancellationToken: Ct);

        var fits = manager.Estimate(backup.FileBytes, TimeSpan.FromHours(1));
        var tooBig = manager.Estimate(long.MaxValue / 2, TimeSpan.FromSeconds(1));

        Assert.Equal(SpeedSource.Measured, fits.Source);
        Assert.Equal(backup.BytesPerSecond, fits.BytesPerSecond);
        Assert.True(fits.Fits);
        Assert.False(tooBig.Fits);
        Assert.Equal(backup.FileBytes, manager.LastBackupBytes);
    }

    [Fact]
    public void Estimate_NewProcess_ReadsSpeedFromNewestGenerationCommitFrame()
    {
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, 2, 500, 1000);
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var writer = new BackupManager(
            new BackupOptions
            {
                Folder = _folder.Path,
                FaultHook = p =>
                {
                    if (p == BackupFaultPoint.CreateTemp)
                    {
                        time.Advance(TimeSpan.FromSeconds(2));
                    }
                },
            },
            time);
        var backup = writer.Backup(store, cancellationToken: Ct);

        var restarted = new BackupManager(new BackupOptions { Folder = _folder.Path, EstimateSafetyFactor = 1.0 });
        var estimate = restarted.EstimateFromLastBackup(TimeSpan.FromSeconds(3));

        Assert.Equal(SpeedSource.LastBackupFile, estimate.Source);
        Assert.Equal(backup.FileBytes, estimate.Bytes);
        Assert.Equal(backup.FileBytes / 2.0, estimate.BytesPerSecond!.Value, 3);
        Assert.Equal(TimeSpan.FromSeconds(2), estimate.EstimatedDuration);
        Assert.True(estimate.Fits);
        Assert.False(restarted.EstimateFromLastBackup(TimeSpan.FromSeconds(1)).Fits);
    }

    [Fact]
    public void MeasureWriteSpeed_NoBackupYet_BecomesTheEstimateSpeed()
    {
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Path });

        var speed = manager.MeasureWriteSpeed(1 << 20, Ct);
        var estimate = manager.Estimate(1 << 20, TimeSpan.FromHours(1));

        Assert.True(speed > 0);
        Assert.Equal(SpeedSource.Probe, estimate.Source);
        Assert.Equal(["backup.lock"], Directory.EnumerateFileSystemEntries(_folder.Path).Select(Path.GetFileName));
    }
}
