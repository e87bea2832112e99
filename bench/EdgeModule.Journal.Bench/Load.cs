using System.Buffers.Binary;
using System.Diagnostics;
using EdgeModule.Storage;

namespace EdgeModule.Journal.Bench;

/// <summary>
/// A message-store-like load on a store: each message a 16-byte key and a value in one partition, put at a steady
/// rate and removed again once "delivered", either soon after (upstream up) or all at the end (upstream down, then
/// drained). The same operations run against the journal's in-memory store and against RocksDB.
/// </summary>
internal static class Load
{
    /// <summary>Fills <paramref name="bytes"/> of queued messages (never removed) in batches, as a backlog at startup.</summary>
    public static long Fill(IKeyValueStore store, long bytes, int messageBytes, long firstKey)
    {
        var partition = store.GetOrCreatePartition("backlog");
        var value = new byte[messageBytes];
        Random.Shared.NextBytes(value);
        using var batch = store.CreateWriteBatch();
        var key = firstKey;
        for (long written = 0; written < bytes; written += messageBytes + 16, key++)
        {
            batch.Put(partition, Key(key), value);
            if (batch.Count == 1000)
            {
                store.Write(batch);
                batch.Clear();
            }
        }

        store.Write(batch);
        return key;
    }

    /// <summary>
    /// Puts <paramref name="rate"/> messages a second for <paramref name="duration"/>; with <paramref name="removeAfter"/>
    /// each is removed that many messages later (delivered), else all are removed at the end (drained).
    /// Returns the messages put.
    /// </summary>
    public static long Steady(IKeyValueStore store, int rate, TimeSpan duration, int messageBytes, int? removeAfter)
    {
        var partition = store.GetOrCreatePartition("messages");
        var value = new byte[messageBytes];
        Random.Shared.NextBytes(value);
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                partition.Put(Key(sent), value);
                if (removeAfter is { } lag && sent >= lag)
                {
                    partition.Remove(Key(sent - lag));
                }
            }

            Thread.Sleep(1);
        }

        var from = removeAfter is { } l ? Math.Max(0, sent - l) : 0;
        for (var k = from; k < sent; k++)
        {
            partition.Remove(Key(k));
        }

        return sent;
    }

    /// <summary>Bytes this process has had sent to the storage layer so far (/proc/self/io write_bytes).</summary>
    public static long ProcessWriteBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan("write_bytes:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static byte[] Key(long i)
    {
        var key = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(key, i);
        return key;
    }
}
