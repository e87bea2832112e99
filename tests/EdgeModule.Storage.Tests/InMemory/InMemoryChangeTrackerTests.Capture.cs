using EdgeModule.Storage.InMemory;

namespace EdgeModule.Storage.Tests.InMemory;

/// <summary>Change times, a second capture from a snapshot, sequences, live bytes, and concurrent writers replayed.</summary>
public sealed partial class InMemoryChangeTrackerTests
{
    [Fact]
    public void OldestPendingChange_IsTheTimeOfTheFirstUndrainedChange()
    {
        var time = new ManualTime(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        var tracker = store.EnableChangeTracking(time);
        var first = time.Now;
        p.Put(K(1), V(1));
        time.Now += TimeSpan.FromSeconds(5);
        p.Put(K(2), V(1));

        Assert.Equal(first, tracker.OldestPendingChange);
        var set = tracker.Drain();
        Assert.Equal(first, set.OldestChange);
        Assert.Equal(time.Now, set.DrainedAt);
        Assert.Null(tracker.OldestPendingChange);
    }

    [Fact]
    public void SnapshotAndCapture_DrainWithCapture_GivesChangesSinceSnapshotAndSinceLastDrainAtOnePoint()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("a");
        var tracker = store.EnableChangeTracking();
        p.Put(K(1), V(1));
        p.Put(K(2), V(1));
        using var snapshot = tracker.SnapshotAndCapture();
        Assert.True(tracker.IsCapturing);
        p.Remove(K(2)); // existed at the snapshot: a tombstone for the capture
        p.Put(K(3), V(1));
        // The main accumulator goes on as before: K(2) was written and removed since its last drain, so it is gone.
        Assert.Equal([K(1), K(3)], Assert.Single(tracker.Drain().Partitions).Keys.Select(k => k.Key));
        p.Put(K(4), V(1));
        p.Remove(K(3)); // existed at the last drain (a tombstone for the main set), not at the snapshot (gone for the capture)

        var (main, since) = tracker.DrainWithCapture();

        Assert.False(tracker.IsCapturing);
        Assert.Equal(main.Sequence, since.Sequence);
        Assert.Equal(store.Sequence, since.Sequence);
        Assert.Equal([K(3), K(4)], main.Partitions[0].Keys.Select(k => k.Key));
        Assert.Null(main.Partitions[0].Keys[0].Value);
        // Since the snapshot: K(2) removed (tombstone), K(3) put and removed (gone), K(4) put.
        Assert.Equal([K(2), K(4)], since.Partitions[0].Keys.Select(k => k.Key));
        Assert.Null(since.Partitions[0].Keys[0].Value);
        Assert.Equal(2, snapshot.GetPartition("a").Iterate().Count());
    }

    [Fact]
    public void SnapshotAndCapture_Twice_Throws_CancelCaptureEndsIt()
    {
        using var store = new InMemoryStore();
        var tracker = store.EnableChangeTracking();
        using (tracker.SnapshotAndCapture())
        {
            Assert.Throws<InvalidOperationException>(tracker.SnapshotAndCapture);
        }

        tracker.CancelCapture();
        Assert.False(tracker.IsCapturing);
        Assert.Throws<InvalidOperationException>(() => tracker.DrainWithCapture());
    }

    [Fact]
    public void EnableChangeTracking_Twice_Throws()
    {
        using var store = new InMemoryStore();
        store.EnableChangeTracking();
        Assert.Throws<InvalidOperationException>(() => store.EnableChangeTracking());
    }

    [Fact]
    public void AdvanceSequenceTo_MovesForwardOnly()
    {
        using var store = new InMemoryStore();
        store.GetOrCreatePartition("a").Put(K(1), V(1));
        store.AdvanceSequenceTo(1000);
        Assert.Equal(1000, store.Sequence);
        store.AdvanceSequenceTo(5);
        Assert.Equal(1000, store.Sequence);
        store.GetPartition("a").Put(K(2), V(1));
        Assert.Equal(1001, store.Sequence);
        Assert.Equal(1001, store.CreateSnapshot().Sequence);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.AdvanceSequenceTo(-1));
    }

    [Fact]
    public void LiveDataBytes_FollowsPutsOverwritesRemovesBatchesAndDrops()
    {
        using var store = new InMemoryStore();
        var a = store.GetOrCreatePartition("a");
        a.Put(K(1), V(10));
        a.Put(K(1), V(4));
        a.Put(K(2), V(6));
        Assert.Equal(2 + 4 + 2 + 6, store.LiveDataBytes);
        a.Remove(K(2));
        a.Remove(K(2));
        Assert.Equal(6, store.LiveDataBytes);
        using (var batch = store.CreateWriteBatch())
        {
            batch.Put(a, K(3), V(5));
            batch.Put(a, K(3), V(7));
            batch.Remove(a, K(1));
            store.Write(batch);
        }

        Assert.Equal(9, store.LiveDataBytes);
        store.GetOrCreatePartition("b").Put(K(1), V(100));
        store.DropPartition("a");
        Assert.Equal(102, store.LiveDataBytes);
    }

    /// <summary>
    /// Writers and removers on several threads while another drains: applying every change set in order to a model of
    /// the disk gives exactly the store's final content, and a key that was only ever written and removed between two
    /// drains never reaches the model.
    /// </summary>
    [Fact]
    public async Task Drain_ConcurrentWriters_ChangeSetsReplayToTheStoreContent()
    {
        using var store = new InMemoryStore();
        string[] names = ["p0", "p1", "p2"];
        foreach (var name in names)
        {
            store.GetOrCreatePartition(name).Put(K(0), V(1));
        }

        var tracker = store.EnableChangeTracking();
        var disk = Snapshot(store);
        var stop = 0;
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() =>
        {
            var random = new Random(w);
            using var batch = store.CreateWriteBatch();
            for (var i = 0; i < 20_000; i++)
            {
                var p = store.GetPartition(names[random.Next(names.Length)]);
                var key = K(random.Next(300));
                switch (random.Next(4))
                {
                    case 0:
                        p.Remove(key);
                        break;
                    case 1:
                        batch.Clear();
                        batch.Put(p, key, V(random.Next(1, 50), (byte)w));
                        batch.Remove(store.GetPartition(names[random.Next(names.Length)]), K(random.Next(300)));
                        store.Write(batch);
                        break;
                    default:
                        p.Put(key, V(random.Next(1, 50), (byte)w));
                        break;
                }
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        var drainer = Task.Run(
            () =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    Apply(disk, tracker.Drain());
                }
            },
            TestContext.Current.CancellationToken);

        await Task.WhenAll(writers);
        Volatile.Write(ref stop, 1);
        await drainer;
        Apply(disk, tracker.Drain());

        var actual = Snapshot(store);
        Assert.Equal(actual.Keys.Order(), disk.Keys.Order());
        foreach (var (name, content) in actual)
        {
            Assert.Equal(content, disk[name]);
        }
    }

    private static Dictionary<string, SortedDictionary<string, string>> Snapshot(InMemoryStore store)
    {
        var result = new Dictionary<string, SortedDictionary<string, string>>();
        foreach (var name in store.ListPartitions())
        {
            var content = new SortedDictionary<string, string>(StringComparer.Ordinal);
            using var cursor = store.GetPartition(name).OpenCursor();
            for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
            {
                content[Convert.ToHexString(cursor.Key)] = Convert.ToHexString(cursor.Value);
            }

            result[name] = content;
        }

        return result;
    }

    private static void Apply(Dictionary<string, SortedDictionary<string, string>> disk, InMemoryChangeSet set)
    {
        foreach (var partition in set.Partitions)
        {
            if (partition.Dropped)
            {
                Assert.True(disk.Remove(partition.Name));
            }

            if (!partition.Exists)
            {
                continue;
            }

            if (!disk.TryGetValue(partition.Name, out var content))
            {
                disk[partition.Name] = content = new SortedDictionary<string, string>(StringComparer.Ordinal);
            }

            foreach (var change in partition.Keys)
            {
                var key = Convert.ToHexString(change.Key);
                if (change.Value is null)
                {
                    // A tombstone is only ever written for a key the base held.
                    Assert.True(content.Remove(key), "tombstone for a key the base did not hold");
                }
                else
                {
                    content[key] = Convert.ToHexString(change.Value);
                }
            }
        }
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
