namespace EdgeModule.Storage.RocksDb.Tests;

/// <summary>Snapshot sequence numbers, which 7.8's C API only lets us bracket (see RocksDbStore.TakeSnapshot).</summary>
public sealed class RocksDbSnapshotTests : RocksDbTestBase
{
    [Fact]
    public void Sequence_NoConcurrentWrites_CountsEveryOperationExactly()
    {
        var store = Open();
        var p = store.GetOrCreatePartition("a");
        long Sequence()
        {
            using var s = store.CreateSnapshot();
            return s.Sequence;
        }

        var start = Sequence();
        Assert.Equal(start, Sequence());
        p.Put([1], [1]);
        p.Put([2], [2]);
        p.Remove([3]);
        Assert.Equal(start + 3, Sequence());

        using var batch = store.CreateWriteBatch();
        for (var i = 0; i < 5; i++)
        {
            batch.Put(p, [(byte)i], [1]);
        }

        store.Write(batch);
        Assert.Equal(start + 8, Sequence());
    }

    [Fact]
    public async Task Sequence_DuringWrites_IsMonotonicAndEverythingUpToItIsInTheSnapshot()
    {
        // One writer puts keys 0, 1, 2... one per sequence number, so "everything up to Sequence" is a key count.
        var store = Open();
        var p = store.GetOrCreatePartition("a");
        long start;
        using (var s = store.CreateSnapshot())
        {
            start = s.Sequence;
        }

        const int Keys = 20_000;
        using var started = new ManualResetEventSlim();
        var writer = Task.Run(
            () =>
            {
                for (var i = 0; i < Keys; i++)
                {
                    p.Put(SequenceKey(i), [1]);
                    if (i == 1000)
                    {
                        started.Set();
                    }
                }
            },
            TestContext.Current.CancellationToken);

        started.Wait(TestContext.Current.CancellationToken);
        var previous = start;
        do
        {
            using var snapshot = store.CreateSnapshot();
            var count = snapshot.GetPartition("a").Count();
            Assert.True(snapshot.Sequence >= previous, $"{snapshot.Sequence} < {previous}");
            Assert.True(count >= snapshot.Sequence - start, $"{count} keys, sequence {snapshot.Sequence - start} after start");
            previous = snapshot.Sequence;
        }
        while (!writer.IsCompleted);

        await writer;
        using var last = store.CreateSnapshot();
        Assert.Equal(start + Keys, last.Sequence);
    }
}
