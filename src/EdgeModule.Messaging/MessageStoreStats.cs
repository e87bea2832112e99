namespace EdgeModule.Messaging;

/// <summary>
/// A summary for logs and metrics: messages stored once each, their bytes, every queue, and what happened to messages
/// since the store was opened (counters start at zero at each open; a metrics exporter reports them as counters).
/// </summary>
/// <param name="MessageCount">Message records held (each once, however many queues reference it).</param>
/// <param name="MessageBytes">Bytes of those records; the figure <see cref="MessageStoreOptions.MaxStoreBytes"/> bounds.</param>
/// <param name="MaxStoreBytes">The limit of <paramref name="MessageBytes"/>.</param>
/// <param name="Endpoints">Every endpoint queue, in ordinal order.</param>
public sealed record MessageStoreStats(long MessageCount, long MessageBytes, long MaxStoreBytes, IReadOnlyList<EndpointStats> Endpoints)
{
    /// <summary>Messages stored (each once, however many endpoints it goes to).</summary>
    public long Received { get; init; }

    /// <summary>Messages refused because a size limit was reached (the store's or the backend's): not acknowledged.</summary>
    public long RefusedFull { get; init; }

    /// <summary>Messages refused because the backend failed the write (e.g. a full disk): not acknowledged.</summary>
    public long RefusedWriteFailed { get; init; }

    /// <summary>Every refusal: the producer keeps the message and sends it again.</summary>
    public long Refused => RefusedFull + RefusedWriteFailed;

    /// <summary>Messages of an input no route names: acknowledged and dropped (reason <c>no_route</c>).</summary>
    public long DroppedNoRoute { get; init; }

    /// <summary>Messages over <see cref="MessageStoreOptions.MaxMessageBytes"/>: rejected, never stored (reason <c>too_large</c>).</summary>
    public long DroppedTooLarge { get; init; }

    /// <summary>Queue entries dropped undelivered because their TTL passed, over all endpoints (reason <c>ttl_expiry</c>).</summary>
    public long DroppedTtlExpiry => Endpoints.Sum(e => e.DroppedTtlExpiry);

    /// <summary>Messages the upstream acknowledged, over all endpoints (a message sent to two endpoints counts twice).</summary>
    public long Forwarded => Endpoints.Sum(e => e.Forwarded);
}
