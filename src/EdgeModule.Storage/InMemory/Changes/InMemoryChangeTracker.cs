namespace EdgeModule.Storage.InMemory;

/// <summary>
/// Change capture of an <see cref="InMemoryStore"/> (<see cref="InMemoryStore.EnableChangeTracking"/>): the net change
/// per key since the last <see cref="Drain"/>, recorded by the writer under the store's write lock at each commit, so
/// every change set is exactly the difference between two committed states. A journal appends each change set to a
/// backup; values are the store's immutable arrays, referenced, never copied.
/// </summary>
/// <remarks>
/// A second accumulator can run beside the main one, from a snapshot's sequence point on
/// (<see cref="SnapshotAndCapture"/>): the changes since a full image started being written, which become that image's
/// first delta once it is complete (<see cref="DrainWithCapture"/>). Both are drained under one lock, at one point,
/// so the last delta of the old image and the first delta of the new one end at the same state.
/// </remarks>
public sealed class InMemoryChangeTracker
{
    private readonly InMemoryStore _store;
    private readonly TimeProvider _time;
    private readonly ChangeAccumulator _main;
    private ChangeAccumulator? _capture;

    internal InMemoryChangeTracker(InMemoryStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _main = new ChangeAccumulator(time);
    }

    /// <summary>Key and value bytes changed since the last drain (the net changes), which no backup holds yet.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_store.WriteLock)
            {
                return _main.Bytes;
            }
        }
    }

    /// <summary>When the oldest change not yet drained was made; null when nothing is pending.</summary>
    public DateTimeOffset? OldestPendingChange
    {
        get
        {
            lock (_store.WriteLock)
            {
                return _main.OldestChange;
            }
        }
    }

    /// <summary>True when a drain would return a non-empty change set.</summary>
    public bool HasPendingChanges
    {
        get
        {
            lock (_store.WriteLock)
            {
                return !_main.IsEmpty;
            }
        }
    }

    /// <summary>True between <see cref="SnapshotAndCapture"/> and <see cref="DrainWithCapture"/> or <see cref="CancelCapture"/>.</summary>
    public bool IsCapturing
    {
        get
        {
            lock (_store.WriteLock)
            {
                return _capture is not null;
            }
        }
    }

    /// <summary>
    /// Takes the net changes since the last drain (or since tracking began) and starts over from here, atomically with
    /// respect to writers. Sorting happens after the lock is released.
    /// </summary>
    public InMemoryChangeSet Drain()
    {
        ChangeAccumulator.Drained drained;
        long sequence;
        lock (_store.WriteLock)
        {
            _store.ThrowIfDisposed();
            drained = _main.TakeAll();
            sequence = _store.CommittedSequence;
        }

        return drained.ToChangeSet(sequence, _time.GetUtcNow());
    }

    /// <summary>
    /// Takes a snapshot and, at the same point, starts a second accumulator of the changes since that snapshot
    /// (<see cref="IStoreSnapshot.Sequence"/>). The main accumulator is not affected. Throws
    /// <see cref="InvalidOperationException"/> while a capture is running.
    /// </summary>
    public IStoreSnapshot SnapshotAndCapture()
    {
        lock (_store.WriteLock)
        {
            _store.ThrowIfDisposed();
            if (_capture is not null)
            {
                throw new InvalidOperationException("A capture is already running; finish or cancel it first.");
            }

            var snapshot = _store.CreateSnapshotLocked();
            _capture = new ChangeAccumulator(_time);
            return snapshot;
        }
    }

    /// <summary>
    /// Ends the capture: at one point, takes the main accumulator's changes (since the last drain) and the capture's
    /// (since the snapshot). Both sets end at the same sequence.
    /// </summary>
    public (InMemoryChangeSet Main, InMemoryChangeSet SinceSnapshot) DrainWithCapture()
    {
        ChangeAccumulator.Drained main, capture;
        long sequence;
        lock (_store.WriteLock)
        {
            _store.ThrowIfDisposed();
            var running = _capture ?? throw new InvalidOperationException("No capture is running.");
            main = _main.TakeAll();
            capture = running.TakeAll();
            _capture = null;
            sequence = _store.CommittedSequence;
        }

        var now = _time.GetUtcNow();
        return (main.ToChangeSet(sequence, now), capture.ToChangeSet(sequence, now));
    }

    /// <summary>Ends a capture without taking it (the full image it was for failed); the main accumulator is unaffected.</summary>
    public void CancelCapture()
    {
        lock (_store.WriteLock)
        {
            _capture = null;
        }
    }

    // The writer's hooks, called under the store's write lock as each change is applied (before its commit; a batch is
    // checked completely before its first change, so nothing recorded here is ever rolled back).
    internal void OnWrite(InMemoryPartition partition, ReadOnlySpan<byte> key, byte[]? value, bool existedBefore)
    {
        _main.OnWrite(partition.Name, key, value, existedBefore);
        _capture?.OnWrite(partition.Name, key, value, existedBefore);
    }

    internal void OnCreatePartition(string name)
    {
        _main.OnCreatePartition(name);
        _capture?.OnCreatePartition(name);
    }

    internal void OnDropPartition(string name)
    {
        _main.OnDropPartition(name);
        _capture?.OnDropPartition(name);
    }
}
