using EdgeModule.Storage.InMemory;

namespace EdgeModule.Storage.Tests.InMemory;

/// <summary>
/// Random operations checked against a plain sorted dictionary, with snapshots and cursors opened and released at
/// random: every one must keep reading exactly the state it was opened at while pruning runs underneath it.
/// </summary>
public sealed class InMemoryStoreModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomOperations_WithSnapshotsOpenAndReleased_MatchTheModel(int seed)
    {
        var random = new Random(seed);
        using var store = new InMemoryStore();
        var partitions = new[] { store.GetOrCreatePartition("p0"), store.GetOrCreatePartition("p1") };
        var model = partitions.Select(_ => new SortedDictionary<byte[], byte[]>(ByteKeyComparer.Instance)).ToArray();
        var open = new List<(IStoreSnapshot Snapshot, SortedDictionary<byte[], byte[]>[] Expected)>();
        var cursors = new List<(IPartitionCursor Cursor, KeyValuePair<byte[], byte[]>[] Expected)>();

        for (var step = 0; step < 20_000; step++)
        {
            var p = random.Next(partitions.Length);
            var key = new[] { (byte)random.Next(4), (byte)random.Next(64) }.Take(random.Next(1, 3)).ToArray();
            switch (random.Next(100))
            {
                case < 40:
                    var value = new byte[random.Next(0, 8)];
                    random.NextBytes(value);
                    partitions[p].Put(key, value);
                    model[p][key] = value;
                    break;
                case < 70:
                    partitions[p].Remove(key);
                    model[p].Remove(key);
                    break;
                case < 80:
                    using (var batch = store.CreateWriteBatch())
                    {
                        for (var i = random.Next(1, 6); i > 0; i--)
                        {
                            var bp = random.Next(partitions.Length);
                            var bk = new[] { (byte)random.Next(4), (byte)random.Next(64) };
                            if (random.Next(2) == 0)
                            {
                                batch.Put(partitions[bp], bk, [(byte)step]);
                                model[bp][bk] = [(byte)step];
                            }
                            else
                            {
                                batch.Remove(partitions[bp], bk);
                                model[bp].Remove(bk);
                            }
                        }

                        store.Write(batch);
                    }

                    break;
                case < 84 when open.Count < 8:
                    open.Add((store.CreateSnapshot(), model.Select(m => new SortedDictionary<byte[], byte[]>(m, ByteKeyComparer.Instance)).ToArray()));
                    break;
                case < 88 when open.Count > 0:
                    var s = random.Next(open.Count);
                    Verify(open[s].Snapshot, open[s].Expected);
                    open[s].Snapshot.Dispose();
                    open.RemoveAt(s);
                    break;
                case < 91 when cursors.Count < 4:
                    var c = partitions[p].OpenCursor();
                    c.SeekToFirst();
                    cursors.Add((c, model[p].ToArray()));
                    break;
                case < 94 when cursors.Count > 0:
                    var ci = random.Next(cursors.Count);
                    VerifyCursor(cursors[ci].Cursor, cursors[ci].Expected);
                    cursors.RemoveAt(ci);
                    break;
                default:
                    Assert.Equal(model[p].Count, partitions[p].Count());
                    Assert.Equal(model[p].GetValueOrDefault(key), partitions[p].Get(key));
                    break;
            }
        }

        foreach (var (snapshot, expected) in open)
        {
            Verify(snapshot, expected);
            snapshot.Dispose();
        }

        foreach (var (cursor, expected) in cursors)
        {
            VerifyCursor(cursor, expected);
        }

        for (var p = 0; p < partitions.Length; p++)
        {
            Assert.Equal(model[p].Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)),
                partitions[p].Iterate().Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)));
            foreach (var key in model[p].Keys.ToList())
            {
                partitions[p].Remove(key);
            }
        }

        // With every reader gone and every key removed, nothing may stay behind.
        Assert.Equal(0, store.BytesHeld);
    }

    private static void Verify(IStoreSnapshot snapshot, SortedDictionary<byte[], byte[]>[] expected)
    {
        for (var p = 0; p < expected.Length; p++)
        {
            var view = snapshot.GetPartition($"p{p}");
            Assert.Equal(expected[p].Count, view.Count());
            Assert.Equal(expected[p].Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)),
                view.Iterate().Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)));
            Assert.Equal(expected[p].Reverse().Select(e => Convert.ToHexString(e.Key)),
                view.IterateReverse().Select(e => Convert.ToHexString(e.Key)));
        }
    }

    private static void VerifyCursor(IPartitionCursor cursor, KeyValuePair<byte[], byte[]>[] expected)
    {
        using (cursor)
        {
            cursor.SeekToFirst();
            var seen = new List<string>();
            for (; cursor.IsValid; cursor.Next())
            {
                seen.Add(Convert.ToHexString(cursor.Key) + "=" + Convert.ToHexString(cursor.Value));
            }

            Assert.Equal(expected.Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)), seen);
        }
    }
}
