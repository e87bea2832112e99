using EdgeModule.Messaging.Layout;

namespace EdgeModule.Messaging;

/// <summary>
/// Figures for logs, the operator's status and metrics. Counts are kept in memory as the store works (interlocked
/// adds, no store reads on the write or forward path) and start at zero when the store is opened; gauges (queue
/// lengths and bytes) are recovered at open. The oldest message's age comes from the pump's last read, or from one
/// seek per endpoint when the checkpoint moved since (remembered until it moves again).
/// </summary>
public sealed partial class MessageStore
{
    /// <summary>
    /// The backend failed the last write (RocksDB: an I/O error such as a full disk) and none has succeeded since;
    /// size-limit refusals do not count. The host's watchdog restarts a module whose writes keep failing, since
    /// RocksDB 7.8 does not recover from a failed write while it is open.
    /// </summary>
    public bool WritesFailing => _writeState == WriteState.Failing;

    private long _received;
    private long _refusedFull;
    private long _refusedFailed;
    private long _droppedNoRoute;
    private long _droppedTooLarge;

    public MessageStoreStats GetStats()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var endpoints = Endpoints
            .Select(e => _queues[e])
            .Select(q => new EndpointStats(q.Name, q.Length, q.Checkpoint, q.LastSequence)
            {
                QueueBytes = q.Bytes,
                OldestMessageAge = OldestUndeliveredTicks(q) is { } enqueued ? TimeSpan.FromTicks(Math.Max(0, now - enqueued)) : null,
                Forwarded = q.Forwarded,
                DroppedTtlExpiry = q.Expired,
                Quarantined = q.Quarantined,
            })
            .ToArray();
        return new MessageStoreStats(Interlocked.Read(ref _messageCount), Interlocked.Read(ref _bytes), MaxStoreBytes, endpoints)
        {
            Received = Interlocked.Read(ref _received),
            RefusedFull = Interlocked.Read(ref _refusedFull),
            RefusedWriteFailed = Interlocked.Read(ref _refusedFailed),
            DroppedNoRoute = Interlocked.Read(ref _droppedNoRoute),
            DroppedTooLarge = Interlocked.Read(ref _droppedTooLarge),
        };
    }

    /// <summary>
    /// The enqueue time of the first entry after the checkpoint, or null when nothing is undelivered. Usually known
    /// from the pump's last read; otherwise one seek, remembered until the checkpoint moves. Not after dispose.
    /// </summary>
    private long? OldestUndeliveredTicks(EndpointQueue queue)
    {
        var checkpoint = queue.Checkpoint;
        if (queue.LastSequence <= checkpoint)
        {
            return null;
        }

        if (queue.Head is { } head && head.AfterCheckpoint == checkpoint)
        {
            return head.EnqueuedTicks;
        }

        if (Volatile.Read(ref _disposed))
        {
            return null;
        }

        using var cursor = queue.Partition.OpenCursor();
        cursor.Seek(StoreLayout.SequenceKey(checkpoint + 1));
        if (!cursor.IsValid || !QueueEntry.TryDecode(cursor.Value, out var entry, out _))
        {
            return null;
        }

        queue.Head = new QueueHead(checkpoint, entry.EnqueuedTicks);
        return entry.EnqueuedTicks;
    }
}
