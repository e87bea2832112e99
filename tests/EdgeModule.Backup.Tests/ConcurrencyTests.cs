using System.Buffers.Binary;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Tests;

/// <summary>
/// Backups taken while a writer keeps changing the store must restore to a state that existed at one instant. The
/// writer keeps an invariant across partitions in every batch: after batch n, partitions a and b hold exactly the
/// keys 0..n-1, and the "counter" key in a, b and c is n. A backup that mixed two instants would break it.
/// </summary>
public sealed class ConcurrencyTests : IDisposable
{
    private static readonly byte[] CounterKey = "counter"u8.ToArray();
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(Backend.Memory)]
    [InlineData(Backend.RocksDb)]
    public async Task Backup_WhileWriterRuns_RestoresToOneInstant(Backend backend)
    {
        using var store = StoreFactory.Create(backend, _folder);
        var partitions = new[] { "a", "b", "c" }.Select(store.GetOrCreatePartition).ToArray();
        var manager = new BackupManager(new BackupOptions { Folder = _folder.Sub("backups"), KeepGenerations = 10 });
        using var stop = new CancellationTokenSource();
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(() => WriteUntilStopped(store, partitions, warmedUp, stop.Token), Ct);

        await warmedUp.Task.WaitAsync(Ct);
        var backups = new List<BackupResult>();
        for (var i = 0; i < 5; i++)
        {
            backups.Add(manager.Backup(store, cancellationToken: Ct));
        }

        await stop.CancelAsync();
        var written = await writer;

        Assert.True(written > 1000, $"the writer should have kept running during the backups ({written} batches)");
        var counters = new List<long>();
        foreach (var backup in backups)
        {
            using var target = StoreFactory.Create(Backend.Memory, _folder);
            var only = new TempFolder();
            File.Copy(backup.Path, Path.Combine(only.Path, Path.GetFileName(backup.Path)));
            new BackupManager(new BackupOptions { Folder = only.Path }).Restore(target, Ct);
            only.Dispose();
            counters.Add(AssertInvariant(target));
        }

        Assert.Equal(counters.Order(), counters); // later backups saw later instants
    }

    private static long WriteUntilStopped(IKeyValueStore store, IPartition[] partitions, TaskCompletionSource warmedUp, CancellationToken stop)
    {
        using var batch = store.CreateWriteBatch();
        long n = 0;
        var value = new byte[200];
        while (!stop.IsCancellationRequested)
        {
            batch.Clear();
            var key = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(key, n);
            batch.Put(partitions[0], key, value);
            batch.Put(partitions[1], key, value);
            var counter = BitConverter.GetBytes(n + 1);
            foreach (var p in partitions)
            {
                batch.Put(p, CounterKey, counter);
            }

            store.Write(batch);
            n++;
            if (n == 20_000)
            {
                warmedUp.SetResult();
            }
        }

        warmedUp.TrySetResult();
        return n;
    }

    private static long AssertInvariant(IKeyValueStore restored)
    {
        var content = StoreContent.Read(restored);
        var counter = BitConverter.ToInt64(content["c"].Single(r => r.Key.AsSpan().SequenceEqual(CounterKey)).Value);
        foreach (var name in new[] { "a", "b" })
        {
            var records = content[name];
            Assert.Equal(counter, BitConverter.ToInt64(records.Single(r => r.Key.AsSpan().SequenceEqual(CounterKey)).Value));
            var keys = records.Where(r => r.Key.Length == 8).Select(r => BinaryPrimitives.ReadInt64BigEndian(r.Key)).ToList();
            Assert.Equal(counter, keys.Count);
            Assert.Equal(Enumerable.Range(0, (int)counter).Select(i => (long)i), keys);
        }

        return counter;
    }
}
