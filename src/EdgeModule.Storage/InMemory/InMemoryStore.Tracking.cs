namespace EdgeModule.Storage.InMemory;

/// <summary>Change capture for a journal (<see cref="InMemoryChangeTracker"/>) and the sequence number it orders by.</summary>
public sealed partial class InMemoryStore
{
    private InMemoryChangeTracker? _tracker;
    private long _liveBytes;

    /// <summary>
    /// Key and value bytes of the live entries (no overhead, no old versions): what a full backup's records hold. A
    /// journal compares it with what its deltas wrote to know how much of the file is dead.
    /// </summary>
    public long LiveDataBytes => Interlocked.Read(ref _liveBytes);

    /// <summary>The sequence number of the last committed write (each put, remove, batch and partition drop takes one).</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>The tracker, once <see cref="EnableChangeTracking"/> was called.</summary>
    public InMemoryChangeTracker? ChangeTracker => Volatile.Read(ref _tracker);

    internal Lock WriteLock => _writeLock;

    /// <summary>The committed sequence; read under the write lock.</summary>
    internal long CommittedSequence => _sequence;

    /// <summary>
    /// Starts recording the net change of every commit from now on (opt-in: a store without a journal pays nothing).
    /// The store's state at this call is the base of the first change set, so call it once the store holds what its
    /// backup holds (after a restore, or while empty). Once per store; a second call throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    public InMemoryChangeTracker EnableChangeTracking(TimeProvider? timeProvider = null)
    {
        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (_tracker is not null)
            {
                throw new InvalidOperationException("Change tracking is already enabled on this store.");
            }

            var tracker = new InMemoryChangeTracker(this, timeProvider ?? TimeProvider.System);
            Volatile.Write(ref _tracker, tracker);
            return tracker;
        }
    }

    /// <summary>
    /// Moves the sequence number forward to <paramref name="sequence"/> (never back): after a restore, so that the
    /// changes made from then on are numbered after the restored backup's last sequence, not after the restore's own
    /// batches. Read points held now are unaffected.
    /// </summary>
    public void AdvanceSequenceTo(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (sequence > _sequence)
            {
                Volatile.Write(ref _sequence, sequence);
            }
        }
    }
}
