namespace EdgeModule.Storage.InMemory;

/// <summary>
/// The net changes of an <see cref="InMemoryStore"/> between two points: applied to the store's state at the first
/// point (the base), they give its state at <see cref="Sequence"/>. Partitions in ordinal order, keys in store order.
/// </summary>
public sealed class InMemoryChangeSet
{
    internal InMemoryChangeSet(long sequence, DateTimeOffset drainedAt, DateTimeOffset? oldestChange, PartitionChanges[] partitions, long bytes)
    {
        Sequence = sequence;
        DrainedAt = drainedAt;
        OldestChange = oldestChange;
        Partitions = partitions;
        Bytes = bytes;
        KeyCount = partitions.Sum(p => (long)p.Keys.Count);
    }

    /// <summary>The store's sequence number the set brings its base up to (the last committed write when it was taken).</summary>
    public long Sequence { get; }

    /// <summary>When the set was taken.</summary>
    public DateTimeOffset DrainedAt { get; }

    /// <summary>When the oldest change in the set was made, or null for an empty set.</summary>
    public DateTimeOffset? OldestChange { get; }

    public IReadOnlyList<PartitionChanges> Partitions { get; }

    /// <summary>Sum of <see cref="KeyChange.Size"/> over all keys.</summary>
    public long Bytes { get; }

    public long KeyCount { get; }

    /// <summary>Nothing changed: nothing needs to be written.</summary>
    public bool IsEmpty => Partitions.Count == 0;
}
