namespace EdgeModule.Storage.RocksDb.Tests.Native;

/// <summary>
/// The SafeHandle reference counts: the native database closes when the last user is gone, never under a user.
/// Whether it has closed is observed through RocksDB's LOCK: a second open of the folder fails while it is open.
/// </summary>
public sealed class HandleLifetimeTests : RocksDbTestBase
{
    [Fact]
    public void Dispose_StoreWithOpenCursor_CursorKeepsReadingAndCloseWaitsForIt()
    {
        var store = Open();
        var p = store.GetOrCreatePartition("a");
        for (var i = 0; i < 1000; i++)
        {
            p.Put(SequenceKey(i), SequenceKey(i));
        }

        var cursor = p.OpenCursor();
        cursor.SeekToFirst();
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => p.OpenCursor());

        var read = 0;
        for (; cursor.IsValid; cursor.Next())
        {
            Assert.True(cursor.Key.SequenceEqual(SequenceKey(read)));
            Assert.True(cursor.Value.SequenceEqual(SequenceKey(read)));
            read++;
        }

        Assert.Equal(1000, read);
        Assert.Contains("lock", Assert.Throws<RocksDbException>(() => Open()).NativeMessage, StringComparison.OrdinalIgnoreCase);

        cursor.Dispose();
        Assert.Equal(1000, Open().GetPartition("a").Count());
    }

    [Fact]
    public void Dispose_StoreWithOpenSnapshot_SnapshotKeepsReadingAndCloseWaitsForIt()
    {
        var store = Open();
        store.GetOrCreatePartition("a").Put([1], [2]);
        var snapshot = store.CreateSnapshot();
        store.Dispose();

        Assert.Equal([2], snapshot.GetPartition("a").Get([1]));
        using (var cursor = snapshot.GetPartition("a").OpenCursor())
        {
            snapshot.Dispose();
            Assert.Throws<RocksDbException>(() => Open());
            cursor.SeekToFirst();
            Assert.Equal([2], cursor.Value.ToArray());
        }

        Assert.Equal([2], Open().GetPartition("a").Get([1]));
    }

    [Fact]
    public void Dispose_Twice_EverythingIsIdempotent()
    {
        var store = Open();
        var p = store.GetOrCreatePartition("a");
        var cursor = p.OpenCursor();
        var snapshot = store.CreateSnapshot();
        var batch = store.CreateWriteBatch();

        store.Dispose();
        store.Dispose();
        cursor.Dispose();
        cursor.Dispose();
        snapshot.Dispose();
        snapshot.Dispose();
        batch.Dispose();
        batch.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cursor.IsValid);
        Assert.Throws<ObjectDisposedException>(() => cursor.Seek([1]));
        Assert.Throws<ObjectDisposedException>(() => snapshot.GetPartition("a"));
        Assert.Throws<ObjectDisposedException>(() => batch.Clear());
        Assert.Throws<ObjectDisposedException>(() => p.Put([1], [1]));
    }

    [Fact]
    public async Task Dispose_WhileAnotherThreadIterates_CursorFinishesOrReportsDisposed()
    {
        var store = Open();
        var p = store.GetOrCreatePartition("a");
        using (var batch = store.CreateWriteBatch())
        {
            for (var i = 0; i < 20_000; i++)
            {
                batch.Put(p, SequenceKey(i), new byte[64]);
            }

            store.Write(batch);
        }

        using var iterating = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            using var cursor = p.OpenCursor();
            var read = 0;
            for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
            {
                Assert.Equal(64, cursor.Value.Length);
                if (++read == 100)
                {
                    iterating.Set();
                }
            }

            return read;
        });

        iterating.Wait(TestContext.Current.CancellationToken);
        store.Dispose();

        Assert.Equal(20_000, await reader);
    }

    [Fact]
    public async Task Dispose_WhileOtherThreadsWrite_WritesSucceedOrThrowObjectDisposed()
    {
        var store = Open();
        var partitions = new[] { store.GetOrCreatePartition("a"), store.GetOrCreatePartition("b") };
        using var writing = new CountdownEvent(partitions.Length);
        var writers = partitions.Select(p => Task.Run(() =>
        {
            var written = 0;
            try
            {
                using var batch = store.CreateWriteBatch();
                for (var i = 0; ; i++)
                {
                    p.Put(SequenceKey(i), SequenceKey(i));
                    _ = p.Get(SequenceKey(i));
                    batch.Clear();
                    batch.Put(p, SequenceKey(-i), [1]);
                    store.Write(batch);
                    if (++written == 100)
                    {
                        writing.Signal();
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                return written;
            }
        })).ToArray();

        writing.Wait(TestContext.Current.CancellationToken);
        store.Dispose();

        foreach (var written in await Task.WhenAll(writers))
        {
            Assert.True(written >= 100);
        }
    }

    [Fact]
    public async Task DropPartition_WhileOtherThreadsWrite_WritesSucceedOrThrowPartitionDropped()
    {
        var store = Open();
        var doomed = store.GetOrCreatePartition("doomed");
        var kept = store.GetOrCreatePartition("kept");
        using var writing = new CountdownEvent(2);
        var singles = Task.Run(
            () =>
            {
                var i = 0;
                try
                {
                    for (; ; i++)
                    {
                        doomed.Put(SequenceKey(i), [1]);
                        if (i == 100)
                        {
                            writing.Signal();
                        }
                    }
                }
                catch (PartitionDroppedException)
                {
                    return i;
                }
            },
            TestContext.Current.CancellationToken);
        var batches = Task.Run(
            () =>
            {
                using var batch = store.CreateWriteBatch();
                var i = 0;
                try
                {
                    for (; ; i++)
                    {
                        batch.Clear();
                        batch.Put(kept, SequenceKey(i), [1]);
                        batch.Put(doomed, SequenceKey(-i), [1]);
                        store.Write(batch);
                        if (i == 100)
                        {
                            writing.Signal();
                        }
                    }
                }
                catch (PartitionDroppedException)
                {
                    return i;
                }
            },
            TestContext.Current.CancellationToken);

        writing.Wait(TestContext.Current.CancellationToken);
        store.DropPartition("doomed");

        Assert.True(await singles > 100);
        var written = await batches;

        // Every batch that did not throw was written whole; the one that threw left nothing behind.
        Assert.Equal(written, kept.Count());
    }

    [Fact]
    public void DropPartition_WithOpenCursor_CursorKeepsReadingTheDroppedData()
    {
        var store = Open();
        var p = store.GetOrCreatePartition("doomed");
        p.Put([1], [1]);
        p.Put([2], [2]);
        using var cursor = p.OpenCursor();

        store.DropPartition("doomed");

        Assert.Throws<PartitionDroppedException>(() => p.OpenCursor());
        Assert.Throws<PartitionDroppedException>(() => p.Contains([1]));
        Assert.Throws<PartitionDroppedException>(() => p.Remove([1]));
        cursor.SeekToLast();
        Assert.Equal([2], cursor.Key.ToArray());
        cursor.Prev();
        Assert.Equal([1], cursor.Key.ToArray());
    }

    [Fact]
    public void Snapshot_DisposedWithPartitionDroppedMeanwhile_ReleasesEverything()
    {
        var store = Open();
        store.GetOrCreatePartition("doomed").Put([1], new byte[1000]);
        var snapshot = store.CreateSnapshot();
        store.DropPartition("doomed");
        Assert.Equal(1, snapshot.GetPartition("doomed").Count());
        snapshot.Dispose();
        store.Dispose();

        var reopened = Open();
        Assert.Empty(reopened.ListPartitions());
    }
}
