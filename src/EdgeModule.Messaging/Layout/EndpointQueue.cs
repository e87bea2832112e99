using EdgeModule.Storage;

namespace EdgeModule.Messaging.Layout;

/// <summary>In-memory state of one endpoint queue, recovered from the store at open.</summary>
internal sealed class EndpointQueue(string name, IPartition partition, byte[] checkpointKey)
{
    private long _checkpoint;
    private long _length;
    private long _lastSequence;
    private long _removedThrough;
    private long _bytes;
    private long _forwarded;
    private long _expired;
    private long _quarantined;
    private long _expiryCountedThrough;
    private readonly Lock _expiryLock = new();

    public string Name { get; } = name;

    public IPartition Partition { get; } = partition;

    public byte[] CheckpointKey { get; } = checkpointKey;

    /// <summary>Highest sequence ever given out (or the checkpoint, if higher). Changed only under the store's write lock.</summary>
    public long LastSequence
    {
        get => Volatile.Read(ref _lastSequence);
        set => Volatile.Write(ref _lastSequence, value);
    }

    public long Checkpoint
    {
        get => Volatile.Read(ref _checkpoint);
        set => Volatile.Write(ref _checkpoint, value);
    }

    /// <summary>
    /// Every entry at or below it is gone from the queue (removed by cleanup or by an acknowledgement). Removals only
    /// ever take the lowest entries, so it only grows. Changed under the store's cleanup lock.
    /// </summary>
    public long RemovedThrough
    {
        get => Volatile.Read(ref _removedThrough);
        set => Volatile.Write(ref _removedThrough, value);
    }

    public long Length
    {
        get => Interlocked.Read(ref _length);
        set => Interlocked.Exchange(ref _length, value);
    }

    /// <summary>Set after each enqueue commits; the pump waits on it when the queue is drained.</summary>
    public AsyncSignal NewMessages { get; } = new();

    /// <summary>Record bytes of the entries in the queue (a message on two queues counts on both).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Messages the upstream acknowledged since the store was opened.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Entries dropped undelivered because their TTL passed, since the store was opened.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>Undecodable entries skipped and copied to mq.quarantine, since the store was opened.</summary>
    public long Quarantined => Interlocked.Read(ref _quarantined);

    public void AddLength(long delta) => Interlocked.Add(ref _length, delta);

    public void AddBytes(long delta) => Interlocked.Add(ref _bytes, delta);

    public void AddForwarded(long count) => Interlocked.Add(ref _forwarded, count);

    public void AddQuarantined(long count) => Interlocked.Add(ref _quarantined, count);

    /// <summary>
    /// Counts expired entries once, whoever sees them first: the pump (skipped at read, or dropped from a batch held
    /// while the upstream was down, counted at acknowledgement) or cleanup (removed undelivered). Each party hands
    /// over the sequences it dropped in ascending order, and both take entries after the checkpoint in order, so a
    /// watermark of the highest sequence counted is enough: anything at or below it was counted already.
    /// </summary>
    public void CountExpired(IReadOnlyList<long> ascending)
    {
        if (ascending.Count == 0)
        {
            return;
        }

        lock (_expiryLock)
        {
            var counted = 0;
            foreach (var sequence in ascending)
            {
                if (sequence > _expiryCountedThrough)
                {
                    counted++;
                }
            }

            _expiryCountedThrough = Math.Max(_expiryCountedThrough, ascending[^1]);
            Interlocked.Add(ref _expired, counted);
        }
    }
}
