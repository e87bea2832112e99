using EdgeModule.Messaging.Layout;
using EdgeModule.Storage;

namespace EdgeModule.Messaging;

/// <summary>The forwarding side: read after the checkpoint, then acknowledge what the upstream took.</summary>
public sealed partial class MessageStore
{
    /// <summary>
    /// Reads up to <paramref name="maxCount"/> queue entries of <paramref name="endpoint"/> after its checkpoint, in
    /// order, from one snapshot of the store. Expired entries are skipped (counted). An entry that cannot be decoded
    /// (unknown version, truncated record, missing record) is skipped with an error log line, and acknowledging the
    /// batch copies it to mq.quarantine: one bad record must not block the queue forever, and it is never dropped
    /// without a trace. Reading does not move the checkpoint; <see cref="Acknowledge"/> does. The batch also ends after
    /// the message whose record bytes reach <paramref name="maxBytes"/> (at least one is read, however large).
    /// </summary>
    public MessageBatch ReadBatch(string endpoint, int maxCount, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        var queue = GetQueue(endpoint);

        // Consume the wake-up before looking, so an enqueue that lands after this read wakes the next wait.
        queue.NewMessages.Reset();
        var checkpoint = queue.Checkpoint;
        var last = checkpoint;
        var expiredBefore = ExpiryCutoffTicks();
        var messages = new List<StoredMessage>(Math.Min(maxCount, 1024));
        var corrupt = new List<MessageBatch.CorruptEntry>();
        var covered = _options.RemoveOnCheckpoint ? new List<MessageBatch.CoveredEntry>(messages.Capacity) : null;
        var expired = new List<long>();

        using var snapshot = _store.CreateSnapshot();
        using var records = snapshot.GetPartition(StoreLayout.MessagesPartition).OpenCursor();
        Span<byte> recordKey = stackalloc byte[StoreLayout.SequenceKeyBytes];
        using var cursor = snapshot.GetPartition(queue.Partition.Name).OpenCursor();
        cursor.Seek(StoreLayout.SequenceKey(checkpoint + 1));
        long bytes = 0;
        for (var scanned = 0; scanned < maxCount && bytes < maxBytes && cursor.IsValid; scanned++, cursor.Next())
        {
            if (!StoreLayout.TryReadSequenceKey(cursor.Key, out var sequence))
            {
                // Keys are written only by this class; a foreign key cannot be skipped safely (no sequence to checkpoint).
                throw new MessageCorruptException($"Queue '{endpoint}' holds a key of {cursor.Key.Length} bytes after sequence {last}.");
            }

            last = sequence;
            if (!QueueEntry.TryDecode(cursor.Value, out var entry, out var problem))
            {
                corrupt.Add(new(sequence, cursor.Value.ToArray()));
                covered?.Add(new(sequence, default, Decoded: false));
                Log.CorruptEntry(_logger, endpoint, sequence, problem!);
                continue;
            }

            covered?.Add(new(sequence, entry, Decoded: true));
            if (scanned == 0)
            {
                queue.Head = new QueueHead(checkpoint, entry.EnqueuedTicks);
            }

            if (entry.EnqueuedTicks <= expiredBefore)
            {
                expired.Add(sequence);
                continue;
            }

            StoreLayout.WriteSequenceKey(recordKey, entry.MessageNumber);
            var record = ReadRecord(records, recordKey);
            bytes += record?.Length ?? 0;
            try
            {
                var message = MessageCodec.Decode(record ?? throw new MessageCorruptException($"the record of message {entry.MessageNumber} is missing"), out var enqueued);
                messages.Add(new StoredMessage(endpoint, sequence, new DateTimeOffset(enqueued, TimeSpan.Zero), message));
            }
            catch (MessageCorruptException ex)
            {
                corrupt.Add(new(sequence, record ?? []));
                Log.CorruptEntry(_logger, endpoint, sequence, $"message {entry.MessageNumber}: {ex.Message}");
            }
        }

        if (expired.Count > 0)
        {
            Log.ExpiredBeforeForwarding(_logger, endpoint, expired.Count, TimeToLive);
        }

        return new MessageBatch(endpoint, checkpoint, last, messages, expired, corrupt, covered);
    }

    /// <summary>
    /// The record under <paramref name="key"/>, or null. Queue entries name messages in ascending order, mostly
    /// consecutive ones, so the records cursor usually needs one step forward instead of a search.
    /// </summary>
    private static byte[]? ReadRecord(IPartitionCursor records, ReadOnlySpan<byte> key)
    {
        if (records.IsValid && records.Key.SequenceCompareTo(key) < 0)
        {
            records.Next();
        }

        if (!records.IsValid || !records.Key.SequenceEqual(key))
        {
            records.Seek(key);
        }

        return records.IsValid && records.Key.SequenceEqual(key) ? records.Value.ToArray() : null;
    }

    /// <summary>The checkpoint of <paramref name="endpoint"/>: the last sequence the upstream acknowledged.</summary>
    public long GetCheckpoint(string endpoint) => GetQueue(endpoint).Checkpoint;

    /// <summary>True when the entry enqueued at <paramref name="enqueuedTimeUtc"/> has outlived the TTL now.</summary>
    public bool IsExpired(DateTimeOffset enqueuedTimeUtc) => enqueuedTimeUtc.UtcTicks <= ExpiryCutoffTicks();

    /// <summary>An entry enqueued at or before this instant is expired: expiry is enqueue time + TTL &lt;= now.</summary>
    private long ExpiryCutoffTicks() => _time.GetUtcNow().UtcTicks - TimeToLive.Ticks;
}
