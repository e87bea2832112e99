using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

/// <summary>
/// Stops the writer and the restore path at each fault point (as if the process died there: no cleanup runs), then
/// "restarts" with a fresh manager and checks the next start finds the previous generation or the new one, intact.
/// </summary>
public sealed class FaultInjectionTests : IDisposable
{
    private const int SmallBuffer = 64 << 10;
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, int> WriterFaults()
    {
        var data = new TheoryData<string, int>
        {
            { nameof(BackupFaultPoint.CreateTemp), 1 },
            { nameof(BackupFaultPoint.FlushFile), 1 },
            { nameof(BackupFaultPoint.Rename), 1 },
            { nameof(BackupFaultPoint.FlushDirectory), 1 },
            { nameof(BackupFaultPoint.DeleteOld), 1 },
        };
        for (var k = 1; k <= 5; k++)
        {
            data.Add(nameof(BackupFaultPoint.Write), k);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WriterFaults))]
    public void Backup_CrashAtFaultPoint_NextStartRestoresPreviousOrNewGeneration(string pointName, int occurrence)
    {
        var point = Enum.Parse<BackupFaultPoint>(pointName);
        using var store = new InMemoryStore();
        FillState(store, "old");
        var expectedOld = StoreContent.Read(store);
        var plain = new BackupManager(new BackupOptions { Folder = _folder.Path, WriteBufferBytes = SmallBuffer });
        plain.Backup(store, cancellationToken: Ct);
        plain.Backup(store, cancellationToken: Ct);
        FillState(store, "new");
        var expectedNew = StoreContent.Read(store);

        var hits = 0;
        var crashing = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            WriteBufferBytes = SmallBuffer,
            FaultHook = p =>
            {
                if (p == point && ++hits == occurrence)
                {
                    throw new FaultInjectedException($"crash at {p} #{occurrence}");
                }
            },
        });
        var crashed = Record.Exception(() => crashing.Backup(store, cancellationToken: Ct));
        Assert.IsType<FaultInjectedException>(crashed);

        // Restart: a new manager over the same folder.
        var restarted = new BackupManager(new BackupOptions { Folder = _folder.Path });
        using var target = new InMemoryStore();
        var result = restarted.Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Empty(result.Quarantined);
        var restoredNew = point is BackupFaultPoint.FlushDirectory or BackupFaultPoint.DeleteOld;
        StoreContent.AssertEqual(restoredNew ? expectedNew : expectedOld, target);
        Assert.Equal(restoredNew ? 3 : 2, result.Generation);
        Assert.All(restarted.ListGenerations(), g => Assert.True(BackupVerifier.Verify(g.Path, Ct).Sound));
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.True(restarted.ListGenerations().Count >= 2);
    }

    [Theory]
    [InlineData(nameof(BackupFaultPoint.RestoreBatch))]
    [InlineData(nameof(BackupFaultPoint.MarkRestored))]
    public void Restore_CrashMidRestore_NextStartRestoresSameGenerationIntoFreshStore(string pointName)
    {
        var point = Enum.Parse<BackupFaultPoint>(pointName);
        using var store = new InMemoryStore();
        FillState(store, "only");
        new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct);
        var crashing = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            RestoreBatchBytes = 1024,
            FaultHook = p => _ = p == point ? throw new FaultInjectedException() : 0,
        });
        using (var partial = new InMemoryStore())
        {
            Assert.Throws<FaultInjectedException>(() => crashing.MarkRestored(crashing.Restore(partial, Ct)));
        }

        using var target = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, Ct);

        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Equal(0, result.TimesRestoredBefore);
        StoreContent.AssertEqual(StoreContent.Read(store), target);
    }

    [Theory]
    [InlineData(nameof(BackupFaultPoint.Quarantine))]
    [InlineData(nameof(BackupFaultPoint.QuarantineReason))]
    public void Restore_CrashWhileQuarantining_NextStartStillRestoresOlderGeneration(string pointName)
    {
        var point = Enum.Parse<BackupFaultPoint>(pointName);
        using var store = new InMemoryStore();
        FillState(store, "good");
        var plain = new BackupManager(new BackupOptions { Folder = _folder.Path });
        plain.Backup(store, cancellationToken: Ct);
        GenerationTests.FlipByte(plain.Backup(store, cancellationToken: Ct).Path, 30);
        var crashing = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            FaultHook = p => _ = p == point ? throw new FaultInjectedException() : 0,
        });
        using (var partial = new InMemoryStore())
        {
            Assert.Throws<FaultInjectedException>(() => crashing.Restore(partial, Ct));
        }

        using var target = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, Ct);

        Assert.Equal(1, result.Generation);
        StoreContent.AssertEqual(StoreContent.Read(store), target);
        Assert.Single(Directory.EnumerateFiles(plain.QuarantineFolder, "*.ebk"));
    }

    [Fact]
    public void Restore_FileDamagedWhileBeingRestored_DiscardsWhatWasAppliedAndQuarantinesIt()
    {
        using var store = new InMemoryStore();
        FillState(store, "data");
        var path = new BackupManager(new BackupOptions { Folder = _folder.Path }).Backup(store, cancellationToken: Ct).Path;
        var damaged = false;
        var manager = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            ReadBufferBytes = 64 << 10,
            RestoreBatchBytes = 1024,
            FaultHook = p =>
            {
                if (p == BackupFaultPoint.RestoreBatch && !damaged)
                {
                    damaged = true;
                    GenerationTests.FlipByte(path, (int)new FileInfo(path).Length - 500);
                }
            },
        });

        // The reader waits for a free batch while the hook runs, so the damage is in place before it reads that far.
        using var target = new InMemoryStore();
        var result = manager.Restore(target, Ct);

        Assert.True(damaged);
        Assert.Equal(RestoreOutcome.StartingEmpty, result.Outcome);
        Assert.Contains("CRC-32C", Assert.Single(result.Quarantined).Reason, StringComparison.Ordinal);
        Assert.Empty(target.ListPartitions());
    }

    [Fact]
    public void Backup_DeadlinePassesMidWrite_ThrowsAndLeavesPreviousGenerationIntact()
    {
        using var store = new InMemoryStore();
        FillState(store, "old");
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var plain = new BackupManager(new BackupOptions { Folder = _folder.Path }, time);
        var previous = plain.Backup(store, cancellationToken: Ct);
        FillState(store, "new");
        var slow = new BackupManager(
            new BackupOptions
            {
                Folder = _folder.Path,
                WriteBufferBytes = SmallBuffer,
                FaultHook = p => _ = p == BackupFaultPoint.Write ? Advance(time, TimeSpan.FromSeconds(10)) : 0,
            },
            time);

        var ex = Assert.Throws<BackupDeadlineExceededException>(() => slow.Backup(store, time.GetUtcNow().AddSeconds(15), Ct));

        Assert.True(ex.BytesWritten > 0);
        AssertOnlyGeneration(plain, previous);
    }

    [Fact]
    public void Backup_Cancelled_ThrowsAndLeavesPreviousGenerationIntact()
    {
        using var store = new InMemoryStore();
        FillState(store, "old");
        var plain = new BackupManager(new BackupOptions { Folder = _folder.Path });
        var previous = plain.Backup(store, cancellationToken: Ct);
        using var cts = new CancellationTokenSource();
        var cancelling = new BackupManager(new BackupOptions
        {
            Folder = _folder.Path,
            WriteBufferBytes = SmallBuffer,
            FaultHook = p =>
            {
                if (p == BackupFaultPoint.Write)
                {
                    cts.Cancel();
                }
            },
        });

        Assert.ThrowsAny<OperationCanceledException>(() => cancelling.Backup(store, cancellationToken: cts.Token));

        AssertOnlyGeneration(plain, previous);
    }

    private static int Advance(ManualTimeProvider time, TimeSpan by)
    {
        time.Advance(by);
        return 0;
    }

    private void AssertOnlyGeneration(BackupManager manager, BackupResult previous)
    {
        Assert.Equal(previous.Path, Assert.Single(manager.ListGenerations()).Path);
        Assert.True(BackupVerifier.Verify(previous.Path, Ct).Sound);
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    /// <summary>About 300 KB over three partitions, so a 64 KiB buffer is written several times.</summary>
    private static void FillState(IKeyValueStore store, string tag)
    {
        var random = new Random(tag.Length);
        using var batch = store.CreateWriteBatch();
        for (var p = 0; p < 3; p++)
        {
            var partition = store.GetOrCreatePartition($"part-{p}");
            for (var i = 0; i < 100; i++)
            {
                var value = new byte[1000];
                random.NextBytes(value);
                System.Text.Encoding.ASCII.GetBytes(tag).CopyTo(value, 0);
                batch.Put(partition, BitConverter.GetBytes(i), value);
            }
        }

        store.Write(batch);
    }
}
