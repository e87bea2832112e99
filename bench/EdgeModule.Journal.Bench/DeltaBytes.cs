using System.Buffers.Binary;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Writing;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Journal.Bench;

/// <summary>
/// Delta bytes per message in the message store's layout (docs/message-store.md): per message a record of
/// <c>recordBytes</c> in <c>mq.messages</c> and a 21-byte queue entry in <c>mq.queue.up</c>, both under 8-byte
/// big-endian counters; one delta puts <c>messages</c> of them, the next removes them all (an outage, then the drain).
/// The same two change sets are written as plain frames (version 2's, and what a continued version-2 generation gets)
/// and with run frames (version 3), so the difference is the run frames' alone. Exact, not timed.
/// </summary>
internal static class DeltaBytes
{
    public static (long Plain, long Runs) Measure(string folder, int messages, int recordBytes)
    {
        using var store = new InMemoryStore();
        var records = store.GetOrCreatePartition("mq.messages");
        var queue = store.GetOrCreatePartition("mq.queue.up");
        var tracker = store.EnableChangeTracking();
        var record = new byte[recordBytes];
        var entry = new byte[21];
        Random.Shared.NextBytes(record);
        for (var n = 1; n <= messages; n++)
        {
            records.Put(Key(n), record);
            queue.Put(Key(n), entry);
        }

        var stored = tracker.Drain();
        for (var n = 1; n <= messages; n++)
        {
            records.Remove(Key(n));
            queue.Remove(Key(n));
        }

        var drained = tracker.Drain();
        return (Write(folder, stored, drained, runFrames: false), Write(folder, stored, drained, runFrames: true));
    }

    /// <summary>The bytes of the two deltas (segment start to commit, all framing included).</summary>
    private static long Write(string folder, InMemoryChangeSet stored, InMemoryChangeSet drained, bool runFrames)
    {
        var path = Path.Combine(folder, $"deltas-{Guid.NewGuid():N}.ebk");
        try
        {
            using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
            using var frames = new FrameWriter(handle, 0, 4 << 20, static () => { }, null);
            var first = DeltaWriter.Write(frames, stored, 1, 0, DateTimeOffset.UtcNow, () => TimeSpan.Zero, runFrames);
            var second = DeltaWriter.Write(frames, drained, 2, stored.Sequence, DateTimeOffset.UtcNow, () => TimeSpan.Zero, runFrames);
            frames.Complete();
            return first.SegmentBytes + second.SegmentBytes;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Key(long n)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(key, n);
        return key;
    }
}
