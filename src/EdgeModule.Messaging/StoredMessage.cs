namespace EdgeModule.Messaging;

/// <summary>A message as one endpoint queue holds it: its place in that queue and when the store accepted it.</summary>
public sealed class StoredMessage(string endpoint, long sequence, DateTimeOffset enqueuedTimeUtc, EdgeMessage message)
{
    public string Endpoint { get; } = endpoint;

    /// <summary>Position in the endpoint's queue: 1, 2, 3… without gaps at enqueue, never reused.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>When the store accepted the message (the injected clock); TTL counts from here.</summary>
    public DateTimeOffset EnqueuedTimeUtc { get; } = enqueuedTimeUtc;

    public EdgeMessage Message { get; } = message;
}
