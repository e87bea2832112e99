namespace EdgeModule.Storage.RocksDb.Tests;

/// <summary>Bytes across the native boundary: empty spans, zero bytes, large values.</summary>
public sealed class RocksDbStoreDataTests : RocksDbTestBase
{
    [Fact]
    public void Cursor_EmptyKeyAndValue_SpansHaveZeroLength()
    {
        var p = Open().GetOrCreatePartition("empty");
        p.Put([], []);

        using var cursor = p.OpenCursor();
        cursor.SeekToFirst();
        Assert.True(cursor.IsValid);
        Assert.Equal(0, cursor.Key.Length);
        Assert.Equal(0, cursor.Value.Length);
        cursor.Seek(ReadOnlySpan<byte>.Empty);
        Assert.Equal(0, cursor.Key.Length);
        cursor.SeekForPrev(default);
        Assert.True(cursor.IsValid);
        cursor.Next();
        Assert.False(cursor.IsValid);
    }

    [Fact]
    public void Keys_WithZeroBytes_AreDistinctAndOrderedByLength()
    {
        var p = Open().GetOrCreatePartition("zeros");
        byte[][] keys = [[0, 0, 0], [0], [], [0, 0], [1, 0], [0, 1]];
        for (var i = 0; i < keys.Length; i++)
        {
            p.Put(keys[i], [(byte)i]);
        }

        Assert.Equal(keys.Length, p.Count());
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(new[] { (byte)i }, p.Get(keys[i]));
        }

        Assert.Equal(
            ["", "00", "0000", "000000", "0001", "0100"],
            p.Iterate().Select(e => Convert.ToHexString(e.Key)));
        using var cursor = p.OpenCursor();
        cursor.SeekForPrev([0, 0, 0, 0]);
        Assert.Equal(new byte[] { 0, 0, 0 }, cursor.Key.ToArray());
    }

    [Fact]
    public void Values_OneMebibyte_RoundTripThroughBatchesSnapshotsAndReopen()
    {
        var store = Open();
        var p = store.GetOrCreatePartition("large");
        var values = Enumerable.Range(0, 8).Select(i =>
        {
            var v = new byte[1024 * 1024];
            new Random(i).NextBytes(v);
            return v;
        }).ToArray();

        using (var batch = store.CreateWriteBatch())
        {
            for (var i = 0; i < values.Length; i++)
            {
                batch.Put(p, SequenceKey(i), values[i]);
            }

            store.Write(batch);
        }

        using (var snapshot = store.CreateSnapshot())
        {
            Assert.Equal(values[3], snapshot.GetPartition("large").Get(SequenceKey(3)));
        }

        store.Dispose();
        var reopened = Open().GetPartition("large");
        using var cursor = reopened.OpenCursor();
        var i2 = 0;
        for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next(), i2++)
        {
            Assert.True(cursor.Value.SequenceEqual(values[i2]));
        }

        Assert.Equal(values.Length, i2);
    }

    [Fact]
    public void Put_ValueAtTheConfiguredLimit_IsAcceptedAndOneMoreByteIsNot()
    {
        var p = Open(o => new RocksDbStoreOptions { Path = o.Path, MaxValueBytes = 2 * 1024 * 1024 }).GetOrCreatePartition("limit");

        p.Put([1], new byte[2 * 1024 * 1024]);

        Assert.Throws<ArgumentException>(() => p.Put([2], new byte[(2 * 1024 * 1024) + 1]));
        Assert.Equal(2 * 1024 * 1024, p.Get([1])!.Length);
    }

    [Fact]
    public void Batch_PartitionOfAnotherRocksDbStore_IsArgumentException()
    {
        var store = Open();
        var other = Open(o => new RocksDbStoreOptions { Path = Directory.Combine("other") });
        using var batch = store.CreateWriteBatch();

        Assert.Throws<ArgumentException>(() => batch.Put(other.GetOrCreatePartition("a"), [1], [1]));
        using var otherBatch = other.CreateWriteBatch();
        Assert.Throws<ArgumentException>(() => store.Write(otherBatch));
    }

    [Fact]
    public void Batch_OpAddedAfterDrop_WriteFailsAndAppliesNothing()
    {
        var store = Open();
        var kept = store.GetOrCreatePartition("kept");
        var doomed = store.GetOrCreatePartition("doomed");
        store.DropPartition("doomed");
        using var batch = store.CreateWriteBatch();
        batch.Put(kept, [1], [1]);
        batch.Put(doomed, [1], [1]);
        batch.Remove(doomed, [2]);

        Assert.Equal(3, batch.Count);
        var ex = Assert.Throws<PartitionDroppedException>(() => store.Write(batch));
        Assert.Contains("doomed", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, kept.Count());

        batch.Clear();
        batch.Put(kept, [1], [1]);
        store.Write(batch);
        Assert.Equal(1, kept.Count());
    }
}
