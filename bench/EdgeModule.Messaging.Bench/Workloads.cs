using System.Diagnostics;
using EdgeModule.Storage;

namespace EdgeModule.Messaging.Bench;

/// <summary>
/// The message store's phases, each beside a baseline doing the same storage work by hand on the same backend:
/// raw puts of the same record bytes, a raw cursor scan copying them, raw batched removes. The ratio shows what the
/// message layer (encoding, queue entries, reference counts, checkpoints, snapshots) costs on top.
/// </summary>
internal static class Workloads
{
    public const int BodyBytes = 1024;
    public const int ReadBatchSize = 100;

    // One body for all messages, as a transport's receive buffer would be: the store copies what it keeps, so the
    // heap then holds what the store holds, not also a second copy of every message the harness made up front.
    private static readonly byte[] Body = new byte[BodyBytes];

    public static EdgeMessage Message(int i) => new(Body)
    {
        MessageId = $"msg-{i:D8}",
        ContentType = "application/json",
        ContentEncoding = "utf-8",
        CreationTimeUtc = DateTimeOffset.UnixEpoch,
        Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["sensor"] = "temperature" },
    };

    /// <summary>Enqueue, forward-read with checkpoints, cleanup, then the same messages again as one interleaved cycle.</summary>
    /// <remarks>
    /// <paramref name="removeOnCheckpoint"/>: <see cref="MessageStoreOptions.RemoveOnCheckpoint"/>, so the checkpoint
    /// write also removes what it delivered and cleanup finds nothing left.
    /// </remarks>
    public static Dictionary<string, double> MessageStore(IKeyValueStore kv, int count, bool removeOnCheckpoint = false)
    {
        var messages = Enumerable.Range(0, count).Select(Message).ToArray();
        var store = new MessageStore(kv, new MessageStoreOptions { MaxStoreBytes = long.MaxValue, RemoveOnCheckpoint = removeOnCheckpoint });
        var rates = new Dictionary<string, double>
        {
            ["enqueue"] = Rate(messages.Length, () =>
            {
                foreach (var m in messages)
                {
                    store.Enqueue("input1", m);
                }
            }),
            ["forward-read + checkpoint"] = Rate(messages.Length, () =>
            {
                for (var b = store.ReadBatch("output1", ReadBatchSize); !b.IsEmpty; b = store.ReadBatch("output1", ReadBatchSize))
                {
                    store.Acknowledge(b);
                }
            }),
            ["cleanup"] = Rate(messages.Length, () => store.Cleanup()),
        };

        // The steady state of a module: messages arrive, are forwarded in batches, cleanup runs now and then. One
        // unmeasured pass first, so the measured one runs as a module that has been running does (heap sized, code
        // compiled) rather than right after the one-off phases above.
        Cycle(store, messages);
        rates["cycle (all four)"] = Rate(messages.Length, () => Cycle(store, messages));
        return rates;
    }

    private static void Cycle(MessageStore store, EdgeMessage[] messages)
    {
        for (var i = 0; i < messages.Length; i += 1000)
        {
            for (var j = i; j < Math.Min(i + 1000, messages.Length); j++)
            {
                store.Enqueue("input1", messages[j]);
            }

            for (var b = store.ReadBatch("output1", ReadBatchSize); !b.IsEmpty; b = store.ReadBatch("output1", ReadBatchSize))
            {
                store.Acknowledge(b);
            }

            if (i % 20_000 == 0)
            {
                store.Cleanup();
            }
        }

        store.Cleanup();
    }

    /// <summary>
    /// The same storage work by hand: one put per record (the same record bytes), a scan from the first unread key
    /// that copies values, batched removes.
    /// </summary>
    public static Dictionary<string, double> Raw(IKeyValueStore kv, byte[] record, int count)
    {
        var records = Enumerable.Repeat(record, count).ToArray();
        var p = kv.GetOrCreatePartition("raw");
        var keys = records.Select((_, i) => Key(i + 1)).ToArray();
        var rates = new Dictionary<string, double>
        {
            ["enqueue"] = Rate(records.Length, () => Put(p, keys, records, 0, records.Length)),
            ["forward-read + checkpoint"] = Rate(records.Length, () => Scan(p, keys[0])),
            ["cleanup"] = Rate(records.Length, () => Remove(kv, p, keys, 0, records.Length)),
        };
        // Same cadence as the store's cycle: removes every 20,000 messages, not per chunk. Fresh keys, as the store's
        // cycle has (new sequences): reusing the keys removed above would make every scan walk their tombstones. One
        // unmeasured pass first, as for the store.
        RawCycle(kv, p, records, records.Select((_, i) => Key(records.Length + i + 1)).ToArray());
        keys = records.Select((_, i) => Key((2L * records.Length) + i + 1)).ToArray();
        rates["cycle (all four)"] = Rate(records.Length, () => RawCycle(kv, p, records, keys));
        return rates;
    }

    private static void RawCycle(IKeyValueStore kv, IPartition p, byte[][] records, byte[][] keys)
    {
        var removed = 0;
        for (var i = 0; i < records.Length; i += 1000)
        {
            var n = Math.Min(1000, records.Length - i);
            Put(p, keys, records, i, n);
            Scan(p, keys[i]);
            if (i % 20_000 == 0)
            {
                Remove(kv, p, keys, removed, i + n - removed);
                removed = i + n;
            }
        }

        Remove(kv, p, keys, removed, records.Length - removed);
    }

    private static void Put(IPartition p, byte[][] keys, byte[][] records, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            p.Put(keys[i], records[i]);
        }
    }

    private static long Scan(IPartition p, byte[] from)
    {
        long bytes = 0;
        using var cursor = p.OpenCursor();
        for (cursor.Seek(from); cursor.IsValid; cursor.Next())
        {
            bytes += cursor.Value.ToArray().Length;
        }

        return bytes;
    }

    private static void Remove(IKeyValueStore kv, IPartition p, byte[][] keys, int from, int count)
    {
        using var batch = kv.CreateWriteBatch();
        for (var i = from; i < from + count; i++)
        {
            batch.Remove(p, keys[i]);
            if (batch.Count == 8192)
            {
                kv.Write(batch);
                batch.Clear();
            }
        }

        kv.Write(batch);
    }

    private static byte[] Key(long i)
    {
        var key = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key, i);
        return key;
    }

    private static double Rate(int count, Action work)
    {
        var sw = Stopwatch.StartNew();
        work();
        return count / sw.Elapsed.TotalSeconds;
    }
}
