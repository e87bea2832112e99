using EdgeModule.Storage;

namespace EdgeModule.Messaging.Layout;

/// <summary>In-memory state of one endpoint queue, recovered from the store at open.</summary>
internal sealed class EndpointQueue(string name, IPartition partition, byte[] checkpointKey)
{
    private long _checkpoint;
    private long _length;
    private long _lastSequence;
    private long _removedThrough;

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

    public void AddLength(long delta) => Interlocked.Add(ref _length, delta);
}
