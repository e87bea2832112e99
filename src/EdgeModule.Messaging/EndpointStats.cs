namespace EdgeModule.Messaging;

/// <summary>One endpoint queue: entries held, the delivery checkpoint and the newest sequence.</summary>
/// <param name="Endpoint">The endpoint name.</param>
/// <param name="QueueLength">Entries in the queue, delivered ones not yet cleaned up included.</param>
/// <param name="Checkpoint">The last sequence the upstream acknowledged.</param>
/// <param name="LastSequence">The newest sequence given out.</param>
public sealed record EndpointStats(string Endpoint, long QueueLength, long Checkpoint, long LastSequence)
{
    /// <summary>Entries after the checkpoint; may count expired ones not yet cleaned up.</summary>
    public long Undelivered => LastSequence - Checkpoint;
}
