using System.Buffers.Binary;

namespace EdgeModule.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task ParallelWritersAndIterators_IteratorsAlwaysSeeSortedDistinctKeys()
    {
        var store = OpenStore();
        var p = store.GetOrCreatePartition("concurrent");
        const int Writers = 2;
        const int PerWriter = 5_000;
        using var writersDone = new CancellationTokenSource();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                // Interleaved key spaces; every third key is removed again, so iterators race with removals too.
                var key = SequenceKey((i * Writers) + w);
                p.Put(key, key);
                if (i % 3 == 0)
                {
                    p.Remove(key);
                }
            }
        })).ToArray();

        var reader = Task.Run(() =>
        {
            var passes = 0;
            while (!writersDone.IsCancellationRequested || passes == 0)
            {
                byte[]? previous = null;
                foreach (var (key, value) in p.Iterate())
                {
                    Assert.Equal(key, value);
                    Assert.True(previous is null || previous.AsSpan().SequenceCompareTo(key) < 0, "keys out of order");
                    previous = key;
                }

                passes++;
            }

            return passes;
        });

        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        Assert.True(await reader > 0);

        var expected = Enumerable.Range(0, Writers * PerWriter).Where(k => k / Writers % 3 != 0).ToList();
        Assert.Equal(expected.Count, p.Count());
        Assert.Equal(expected, Keys(p).Select(k => (int)BinaryPrimitives.ReadInt64BigEndian(k.AsSpan(8))));
    }

    [Fact]
    public async Task Snapshots_DuringBatchedTransfers_AlwaysSeeTheCrossPartitionInvariant()
    {
        // Two writers move units between partitions in atomic batches; the total never changes. Any snapshot taken
        // meanwhile must see a total of exactly Total: a torn batch would show up as a different sum.
        const int Accounts = 16;
        const long Total = Accounts * 100;
        var store = OpenStore();
        var left = store.GetOrCreatePartition("left");
        var right = store.GetOrCreatePartition("right");
        for (var i = 0; i < Accounts; i++)
        {
            left.Put(SequenceKey(i), BitConverter.GetBytes(100L));
            right.Put(SequenceKey(i), BitConverter.GetBytes(0L));
        }

        var writerLock = new Lock();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            using var batch = store.CreateWriteBatch();
            for (var i = 0; i < 3_000; i++)
            {
                var account = SequenceKey(random.Next(Accounts));
                lock (writerLock)
                {
                    // Read-modify-write must not interleave between the writers; the snapshot side needs no lock.
                    var from = BitConverter.ToInt64(left.Get(account));
                    var to = BitConverter.ToInt64(right.Get(account));
                    var amount = random.Next(-5, 6);
                    batch.Clear();
                    batch.Put(left, account, BitConverter.GetBytes(from - amount));
                    batch.Put(right, account, BitConverter.GetBytes(to + amount));
                    store.Write(batch);
                }
            }
        })).ToArray();

        var checks = 0;
        while (!writers.All(t => t.IsCompleted) || checks == 0)
        {
            using var snapshot = store.CreateSnapshot();
            var sum = snapshot.ListPartitions()
                .SelectMany(name => snapshot.GetPartition(name).Iterate())
                .Sum(e => BitConverter.ToInt64(e.Value));
            Assert.Equal(Total, sum);
            checks++;
        }

        await Task.WhenAll(writers);
        Assert.True(checks > 0);
    }
}
