using System.Buffers.Binary;
using System.Diagnostics;

namespace EdgeModule.Storage.Bench;

/// <summary>
/// The message-queue pattern: 16-byte big-endian sequence keys, 256-byte values, appended in order, read by seeking to
/// a checkpoint and scanning, and removed from the head. Each workload returns operations per second.
/// </summary>
internal static class Workloads
{
    public const int ValueBytes = 256;
    public const int ScanLength = 100;

    private static readonly byte[] Value = CreateValue();

    public static byte[][] CreateKeys(int count)
    {
        var keys = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            keys[i] = new byte[16];
            BinaryPrimitives.WriteInt64BigEndian(keys[i].AsSpan(8), i);
        }

        return keys;
    }

    /// <summary>Thread t of n handles keys t, t+n, t+2n, ...: both threads append to the same queue.</summary>
    public static double Put(IPartition partition, byte[][] keys, int threads) =>
        Run(threads, keys.Length, t =>
        {
            for (var i = t; i < keys.Length; i += threads)
            {
                partition.Put(keys[i], Value);
            }
        });

    public static double PutBatched(IKeyValueStore store, IPartition partition, byte[][] keys, int threads, int batchSize) =>
        Run(threads, keys.Length, t =>
        {
            using var batch = store.CreateWriteBatch();
            for (var i = t; i < keys.Length; i += threads)
            {
                batch.Put(partition, keys[i], Value);
                if (batch.Count == batchSize)
                {
                    store.Write(batch);
                    batch.Clear();
                }
            }

            store.Write(batch);
        });

    /// <summary>Point reads in a shuffled order, so neither backend gets a sequential-access gift.</summary>
    public static double Get(IPartition partition, byte[][] keys, int threads)
    {
        var order = Enumerable.Range(0, keys.Length).ToArray();
        new Random(42).Shuffle(order);
        return Run(threads, keys.Length, t =>
        {
            for (var i = t; i < order.Length; i += threads)
            {
                if (partition.Get(keys[order[i]]) is null)
                {
                    throw new InvalidOperationException("A key written by the benchmark is missing.");
                }
            }
        });
    }

    /// <summary>Seek to a random position, read <see cref="ScanLength"/> entries: the pump's read. Counts entries read.</summary>
    public static double SeekAndScan(IPartition partition, byte[][] keys, int threads)
    {
        var seeks = keys.Length / ScanLength;
        return Run(threads, seeks * ScanLength, t =>
        {
            var random = new Random(t);
            for (var s = t; s < seeks; s += threads)
            {
                using var cursor = partition.OpenCursor();
                cursor.Seek(keys[random.Next(keys.Length - ScanLength)]);
                long bytes = 0;
                for (var n = 0; n < ScanLength && cursor.IsValid; n++, cursor.Next())
                {
                    bytes += cursor.Value.Length;
                }

                if (bytes != (long)ScanLength * ValueBytes)
                {
                    throw new InvalidOperationException("A scan came up short.");
                }
            }
        });
    }

    /// <summary>Remove every key in ascending order: the cleanup of delivered messages.</summary>
    public static double DeleteFromHead(IPartition partition, byte[][] keys, int threads) =>
        Run(threads, keys.Length, t =>
        {
            for (var i = t; i < keys.Length; i += threads)
            {
                partition.Remove(keys[i]);
            }
        });

    private static double Run(int threads, long operations, Action<int> body)
    {
        var stopwatch = Stopwatch.StartNew();
        if (threads == 1)
        {
            body(0);
        }
        else
        {
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => body(t))).ToArray();
            foreach (var w in workers)
            {
                w.Start();
            }

            foreach (var w in workers)
            {
                w.Join();
            }
        }

        return operations / stopwatch.Elapsed.TotalSeconds;
    }

    private static byte[] CreateValue()
    {
        var value = new byte[ValueBytes];
        new Random(1).NextBytes(value);
        return value;
    }
}
