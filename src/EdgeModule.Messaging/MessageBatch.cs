namespace EdgeModule.Messaging;

/// <summary>
/// A read from an endpoint queue: the messages to forward, in order, and the last sequence the read covered (expired
/// and undecodable entries included), which <see cref="MessageStore.Acknowledge"/> makes the new checkpoint.
/// </summary>
public sealed class MessageBatch
{
    internal MessageBatch(string endpoint, long previousCheckpoint, long lastSequence, IReadOnlyList<StoredMessage> messages,
        IReadOnlyList<long> expired, IReadOnlyList<CorruptEntry> corrupt, IReadOnlyList<CoveredEntry>? entries = null)
    {
        Entries = entries ?? [];
        ExpiredSequences = expired;
        Endpoint = endpoint;
        PreviousCheckpoint = previousCheckpoint;
        LastSequence = lastSequence;
        Messages = messages;
        Corrupt = corrupt;
    }

    public string Endpoint { get; }

    /// <summary>The checkpoint the read started after.</summary>
    public long PreviousCheckpoint { get; }

    /// <summary>The last queue sequence this read covered; equal to <see cref="PreviousCheckpoint"/> when nothing was there.</summary>
    public long LastSequence { get; }

    public IReadOnlyList<StoredMessage> Messages { get; }

    /// <summary>Entries skipped because their TTL had passed.</summary>
    public int Expired => ExpiredSequences.Count;

    /// <summary>The sequences of the entries skipped because their TTL had passed, ascending.</summary>
    internal IReadOnlyList<long> ExpiredSequences { get; }

    /// <summary>Entries skipped because they could not be decoded; acknowledging copies them to mq.quarantine.</summary>
    public int CorruptCount => Corrupt.Count;

    /// <summary>True when the read found no entry at all after the checkpoint.</summary>
    public bool IsEmpty => LastSequence == PreviousCheckpoint;

    internal IReadOnlyList<CorruptEntry> Corrupt { get; }

    /// <summary>
    /// Every queue entry the read covered (forwarded, expired, undecodable), in order; collected only when
    /// <see cref="MessageStoreOptions.RemoveOnCheckpoint"/> is on, so that acknowledging can remove them.
    /// </summary>
    internal IReadOnlyList<CoveredEntry> Entries { get; }

    /// <summary>
    /// Sequences of messages left out of the send that completed because they expired while the upstream was down,
    /// ascending (set by the pump): not forwarded, counted as expired.
    /// </summary>
    internal IReadOnlyList<long> ExpiredWhileHeld { get; set; } = [];

    internal readonly record struct CorruptEntry(long Sequence, byte[] Record);

    /// <summary>A queue entry and what it references; <c>Decoded</c> false: the entry itself could not be read (no message number).</summary>
    internal readonly record struct CoveredEntry(long Sequence, Layout.QueueEntry Entry, bool Decoded);
}
