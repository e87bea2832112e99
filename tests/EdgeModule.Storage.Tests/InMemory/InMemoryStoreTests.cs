using EdgeModule.Storage.InMemory;

namespace EdgeModule.Storage.Tests.InMemory;

/// <summary>What only the in-memory backend has: byte accounting, the memory limit, version pruning.</summary>
public sealed class InMemoryStoreTests
{
    private static byte[] Key(int i) => BitConverter.GetBytes(i).Reverse().ToArray();

    [Fact]
    public void Put_PastMemoryLimit_ThrowsStoreFullAndChangesNothing()
    {
        using var store = new InMemoryStore(new InMemoryStoreOptions { MemoryLimitBytes = 64 * 1024 });
        var p = store.GetOrCreatePartition("a");
        var value = new byte[1000];
        var stored = 0;
        var full = Assert.Throws<StoreFullException>(() =>
        {
            for (; stored < 1000; stored++)
            {
                p.Put(Key(stored), value);
            }
        });

        Assert.InRange(stored, 40, 63);
        Assert.Equal(stored, p.Count());
        Assert.Equal(64 * 1024, full.LimitBytes);
        Assert.True(full.UsedBytes + full.RequestedBytes > full.LimitBytes);
        Assert.True(store.BytesHeld <= 64 * 1024);
        Assert.Contains("full", full.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_BatchPastMemoryLimit_ThrowsStoreFullAndAppliesNothing()
    {
        using var store = new InMemoryStore(new InMemoryStoreOptions { MemoryLimitBytes = 16 * 1024 });
        var p = store.GetOrCreatePartition("a");
        p.Put(Key(-1), [1]);
        var before = store.BytesHeld;
        using var batch = store.CreateWriteBatch();
        for (var i = 0; i < 20; i++)
        {
            batch.Put(p, Key(i), new byte[1000]);
        }

        batch.Remove(p, Key(-1));
        Assert.Throws<StoreFullException>(() => store.Write(batch));
        Assert.Equal(1, p.Count());
        Assert.True(p.Contains(Key(-1)));
        Assert.Equal(before, store.BytesHeld);
    }

    [Fact]
    public void Remove_WhenFull_IsAcceptedSoTheStoreCanDrain()
    {
        using var store = new InMemoryStore(new InMemoryStoreOptions { MemoryLimitBytes = 8 * 1024 });
        var p = store.GetOrCreatePartition("a");
        Assert.Throws<StoreFullException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                p.Put(Key(i), new byte[500]);
            }
        });

        p.Remove(Key(0));
        p.Remove(Key(1));
        p.Put(Key(1000), new byte[500]);
        Assert.True(p.Contains(Key(1000)));
    }

    [Fact]
    public void Write_AtTheLimit_ABatchThatReleasesMoreThanItAdds_IsAccepted_OneThatGrowsIsNot()
    {
        using var store = new InMemoryStore(new InMemoryStoreOptions { MemoryLimitBytes = 8 * 1024 });
        var p = store.GetOrCreatePartition("a");
        var filled = 0;
        Assert.Throws<StoreFullException>(() =>
        {
            for (; filled < 1000; filled++)
            {
                p.Put(Key(filled), new byte[500]);
            }
        });

        // A checkpoint as the message store writes it: the new checkpoint value and the removal of what it delivered.
        using (var checkpoint = store.CreateWriteBatch())
        {
            checkpoint.Put(p, Key(-1), new byte[1000]); // more than the room left, less than the two removals release
            checkpoint.Remove(p, Key(0));
            checkpoint.Remove(p, Key(1));
            store.Write(checkpoint);
        }

        Assert.False(p.Contains(Key(0)));
        Assert.True(p.Contains(Key(-1)));

        // Full again; overwriting a value with one of the same size adds nothing: accepted at the limit.
        Assert.Throws<StoreFullException>(() =>
        {
            for (; filled < 1000; filled++)
            {
                p.Put(Key(filled), new byte[500]);
            }
        });
        p.Put(Key(2), new byte[500]);

        using var grows = store.CreateWriteBatch();
        grows.Put(p, Key(5000), new byte[4000]);
        grows.Remove(p, Key(3));
        Assert.Throws<StoreFullException>(() => store.Write(grows));
        Assert.True(p.Contains(Key(3)));
    }

    [Fact]
    public void BytesHeld_AfterPutsAndRemoves_ReturnsToZero()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        for (var i = 0; i < 1000; i++)
        {
            p.Put(Key(i), new byte[100]);
        }

        var full = store.BytesHeld;
        Assert.InRange(full, 1000 * (100 + 4), 1000 * 600);
        for (var i = 0; i < 1000; i++)
        {
            p.Put(Key(i), new byte[50]);
        }

        Assert.True(store.BytesHeld < full);
        for (var i = 0; i < 1000; i++)
        {
            p.Remove(Key(i));
        }

        Assert.Equal(0, store.BytesHeld);
    }

    [Fact]
    public void ReleasingSnapshot_PrunesVersionsAndTombstonesItKeptAlive()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        for (var i = 0; i < 2000; i++)
        {
            p.Put(Key(i), new byte[100]);
        }

        var baseline = store.BytesHeld;
        var snapshot = store.CreateSnapshot();
        for (var i = 0; i < 1000; i++)
        {
            p.Remove(Key(i));
            p.Put(Key(i + 1000), new byte[10]);
        }

        // The snapshot still needs every old value, so nothing was freed.
        Assert.True(store.BytesHeld > baseline);
        Assert.Equal(2000, snapshot.GetPartition("a").Count());
        snapshot.Dispose();

        Assert.Equal(1000, p.Count());
        var expected = 1000 * (InMemoryStore.EstimatePutSize(Key(0), new byte[10]) + 10);
        Assert.InRange(store.BytesHeld, 1000 * (4 + 10), expected);
    }

    [Fact]
    public void DropPartition_ReleasesItsBytes()
    {
        using var store = new InMemoryStore();
        store.GetOrCreatePartition("keep").Put(Key(1), new byte[10]);
        var keep = store.BytesHeld;
        var drop = store.GetOrCreatePartition("drop");
        for (var i = 0; i < 100; i++)
        {
            drop.Put(Key(i), new byte[100]);
        }

        store.DropPartition("drop");
        Assert.Equal(keep, store.BytesHeld);
    }

    [Fact]
    public void Options_NegativeMemoryLimit_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryStore(new InMemoryStoreOptions { MemoryLimitBytes = -1 }));
    }

    [Fact]
    public async Task Writers_WhileASnapshotIsReadSlowly_AreNotBlocked()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        for (var i = 0; i < 1000; i++)
        {
            p.Put(Key(i), [1]);
        }

        using var snapshot = store.CreateSnapshot();
        using var cursor = snapshot.GetPartition("a").OpenCursor();
        cursor.SeekToFirst();

        // The reader stands in the middle of its iteration; a writer must finish all its work meanwhile.
        var writer = Task.Run(
            () =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    p.Put(Key(i), [2]);
                    p.Remove(Key(i));
                }
            },
            TestContext.Current.CancellationToken);
        await writer.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var seen = 0;
        for (; cursor.IsValid; cursor.Next())
        {
            Assert.Equal(1, cursor.Value[0]);
            seen++;
        }

        Assert.Equal(1000, seen);
        Assert.Equal(0, p.Count());
    }
}
