namespace EdgeModule.Messaging;

/// <summary>One endpoint queue: entries held, the delivery checkpoint and the newest sequence, and its counters.</summary>
/// <param name="Endpoint">The endpoint name.</param>
/// <param name="QueueLength">Entries in the queue, delivered ones not yet cleaned up included.</param>
/// <param name="Checkpoint">The last sequence the upstream acknowledged.</param>
/// <param name="LastSequence">The newest sequence given out.</param>
public sealed record EndpointStats(string Endpoint, long QueueLength, long Checkpoint, long LastSequence)
{
    /// <summary>Entries after the checkpoint; may count expired ones not yet cleaned up.</summary>
    public long Undelivered => LastSequence - Checkpoint;

    /// <summary>Record bytes of the entries in <see cref="QueueLength"/> (a message on two queues counts on both).</summary>
    public long QueueBytes { get; init; }

    /// <summary>How long ago the oldest undelivered message was stored; null when everything is delivered.</summary>
    public TimeSpan? OldestMessageAge { get; init; }

    /// <summary>Messages the upstream acknowledged since the store was opened.</summary>
    public long Forwarded { get; init; }

    /// <summary>Entries dropped undelivered because their TTL passed, since the store was opened (reason <c>ttl_expiry</c>).</summary>
    public long DroppedTtlExpiry { get; init; }

    /// <summary>Undecodable entries skipped and copied to mq.quarantine since the store was opened.</summary>
    public long Quarantined { get; init; }
}
