using System.Text;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>Reads and writes whole stores for comparisons: partition name → ordered (key, value) pairs.</summary>
public static class StoreContent
{
    public static SortedDictionary<string, List<(byte[] Key, byte[] Value)>> Read(IKeyValueStore store)
    {
        using var snapshot = store.CreateSnapshot();
        var result = new SortedDictionary<string, List<(byte[], byte[])>>(StringComparer.Ordinal);
        foreach (var name in snapshot.ListPartitions())
        {
            var list = new List<(byte[], byte[])>();
            using var cursor = snapshot.GetPartition(name).OpenCursor();
            for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
            {
                list.Add((cursor.Key.ToArray(), cursor.Value.ToArray()));
            }

            result[name] = list;
        }

        return result;
    }

    /// <summary>Asserts both stores hold the same partitions (empty ones too) and byte-identical records.</summary>
    public static void AssertEqual(SortedDictionary<string, List<(byte[] Key, byte[] Value)>> expected, IKeyValueStore actual)
    {
        var got = Read(actual);
        Assert.Equal(expected.Keys, got.Keys);
        foreach (var (name, records) in expected)
        {
            var other = got[name];
            Assert.True(records.Count == other.Count, $"partition {name}: {records.Count} records expected, {other.Count} restored");
            for (var i = 0; i < records.Count; i++)
            {
                Assert.True(records[i].Key.AsSpan().SequenceEqual(other[i].Key), $"partition {name}: key {i} differs");
                Assert.True(records[i].Value.AsSpan().SequenceEqual(other[i].Value), $"partition {name}: value {i} differs");
            }
        }
    }

    /// <summary>
    /// A small store with the awkward cases: an empty partition, an empty value, a 1 MiB value (optional),
    /// binary keys with 0x00 and 0xFF bytes, and a non-ASCII partition name.
    /// </summary>
    public static void FillAwkward(IKeyValueStore store, bool withLargeValue = true, int seed = 1)
    {
        var random = new Random(seed);
        store.GetOrCreatePartition("empty");
        var messages = store.GetOrCreatePartition("messages");
        using var batch = store.CreateWriteBatch();
        for (var i = 0; i < 200; i++)
        {
            var value = new byte[random.Next(0, 300)];
            random.NextBytes(value);
            batch.Put(messages, BitConverter.GetBytes(i).Reverse().ToArray(), value);
        }

        var odd = store.GetOrCreatePartition("ünïcødé-☃");
        batch.Put(odd, [], Encoding.UTF8.GetBytes("empty key"));
        batch.Put(odd, [0x00], []);
        batch.Put(odd, [0x00, 0x00], [0x00]);
        batch.Put(odd, [0xFF, 0xFF, 0xFF], [0xFF]);
        if (withLargeValue)
        {
            var big = new byte[1 << 20];
            random.NextBytes(big);
            batch.Put(store.GetOrCreatePartition("large"), "one-mebibyte"u8.ToArray(), big);
        }

        store.Write(batch);
    }

    /// <summary>Puts <paramref name="records"/> records of <paramref name="valueBytes"/> over <paramref name="partitions"/> partitions.</summary>
    public static void FillBulk(IKeyValueStore store, int partitions, long records, int valueBytes, int seed = 7)
    {
        var random = new Random(seed);
        var handles = Enumerable.Range(0, partitions).Select(p => store.GetOrCreatePartition($"p{p}")).ToArray();
        using var batch = store.CreateWriteBatch();
        for (long i = 0; i < records; i++)
        {
            var value = new byte[valueBytes];
            random.NextBytes(value);
            var key = new byte[16];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key, i);
            batch.Put(handles[i % partitions], key, value);
            if (batch.Count == 1000)
            {
                store.Write(batch);
                batch.Clear();
            }
        }

        store.Write(batch);
    }
}
