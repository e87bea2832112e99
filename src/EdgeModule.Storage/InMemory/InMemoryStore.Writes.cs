namespace EdgeModule.Storage.InMemory;

/// <summary>The write path: apply under the lock, publish, then prune what no reader can need any more.</summary>
public sealed partial class InMemoryStore
{
    // Writer-only state, guarded by _writeLock.
    private readonly List<(InMemoryPartition Partition, Node Node)> _touched = [];
    private readonly Queue<(InMemoryPartition Partition, Node Node)> _pending = new();
    private readonly Dictionary<long, int> _readPoints = [];
    private long _oldestReadPoint = long.MaxValue;

    internal void Put(InMemoryPartition partition, byte[] key, byte[] value)
    {
        ValidateKey(key);
        ValidateValue(value);
        // The node keeps its own copy of the key; the value array is shared with readers, so it is copied here.
        var valueCopy = value.AsSpan().ToArray();
        lock (_writeLock)
        {
            ThrowIfDisposed();
            partition.ThrowIfDropped();
            var growth = EstimatePutSize(key, valueCopy);
            if (PastLimit(growth))
            {
                EnsureCapacity(growth - EstimateOfLive(partition, key));
            }

            var sequence = _sequence + 1;
            ApplyPut(partition, key, valueCopy, sequence);
            Commit(sequence);
        }
    }

    internal void Remove(InMemoryPartition partition, byte[] key)
    {
        ValidateKey(key);
        lock (_writeLock)
        {
            ThrowIfDisposed();
            partition.ThrowIfDropped();
            var sequence = _sequence + 1;
            ApplyRemove(partition, key, sequence);
            Commit(sequence);
        }
    }

    public void Write(IWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch is not InMemoryWriteBatch ours || !ReferenceEquals(ours.Store, this))
        {
            throw new ArgumentException("The batch was created by another store.", nameof(batch));
        }

        ThrowIfDisposed();
        if (ours.Count == 0)
        {
            return;
        }

        lock (_writeLock)
        {
            ThrowIfDisposed();

            // Every check comes before the first change, so a failed batch changes nothing.
            foreach (var op in ours.Operations)
            {
                op.Partition.ThrowIfDropped();
            }

            if (PastLimit(ours.PutBytesEstimate))
            {
                // Only near the limit is it worth looking up what the batch releases.
                EnsureCapacity(ours.PutBytesEstimate - EstimateOfLive(ours));
            }

            var sequence = _sequence + 1;
            foreach (var op in ours.Operations)
            {
                if (op.Value is null)
                {
                    ApplyRemove(op.Partition, ours.KeyOf(op), sequence);
                }
                else
                {
                    ApplyPut(op.Partition, ours.KeyOf(op), op.Value, sequence);
                }
            }

            Commit(sequence);
        }
    }

    /// <summary>Under the write lock: the estimate a put of <paramref name="key"/>'s live value counts, or 0 when it has none.</summary>
    private static long EstimateOfLive(InMemoryPartition partition, ReadOnlySpan<byte> key) =>
        partition.List.FindForWrite(new NodeKey(key))?.Head?.Value is { } live ? EstimatePutSize(key.Length, live.Length) : 0;

    /// <summary>Under the write lock: what the batch's removals and overwrites release, each key counted once.</summary>
    private static long EstimateOfLive(InMemoryWriteBatch batch)
    {
        long released = 0;
        HashSet<(InMemoryPartition, string)>? seen = null;
        foreach (var op in batch.Operations)
        {
            var key = batch.KeyOf(op);
            var live = EstimateOfLive(op.Partition, key);
            if (live > 0 && (seen ??= []).Add((op.Partition, Convert.ToBase64String(key))))
            {
                released += live;
            }
        }

        return released;
    }

    /// <summary>What a put may add to <see cref="BytesHeld"/>: the node (at the average 4/3 links), key, version, value.</summary>
    internal static long EstimatePutSize(byte[] key, byte[] value) => EstimatePutSize(key.Length, value.Length);

    internal static long EstimatePutSize(int keyLength, int valueLength) =>
        83 + (keyLength > NodeKey.InlineBytes ? 24 + keyLength : 0) + Version.Overhead + 24 + valueLength;

    internal ReadPoint AcquireReadPoint()
    {
        lock (_writeLock)
        {
            return RegisterReadPoint();
        }
    }

    internal ReadPoint RegisterReadPoint()
    {
        var sequence = _sequence;
        _readPoints[sequence] = _readPoints.GetValueOrDefault(sequence) + 1;
        _oldestReadPoint = Math.Min(_oldestReadPoint, sequence);
        return new ReadPoint(this, sequence);
    }

    internal void ReleaseReadPoint(long sequence)
    {
        bool advanced;
        lock (_writeLock)
        {
            var left = _readPoints[sequence] - 1;
            if (left > 0)
            {
                _readPoints[sequence] = left;
                return;
            }

            _readPoints.Remove(sequence);
            advanced = sequence == _oldestReadPoint;
            if (advanced)
            {
                _oldestReadPoint = _readPoints.Count == 0 ? long.MaxValue : _readPoints.Keys.Min();
            }
        }

        if (advanced)
        {
            PrunePending();
        }
    }

    /// <summary>
    /// Refuses a write that would take <see cref="BytesHeld"/> past the limit. Growth is net: what the write's puts
    /// add less what its removals and overwrites release (estimated as a put of the live value), so a write that
    /// shrinks the store (a checkpoint that removes what it delivered) always passes, even at or over the limit;
    /// otherwise a full store could never be emptied. Versions kept for readers are released later, so the figure
    /// can stay above the limit for a while.
    /// </summary>
    private bool PastLimit(long growth) => MemoryLimitBytes is var limit and > 0 && _bytes + growth > limit;

    private void EnsureCapacity(long growth)
    {
        var limit = MemoryLimitBytes;
        if (limit > 0 && growth > 0 && _bytes + growth > limit)
        {
            throw new StoreFullException(limit, _bytes, growth);
        }
    }

    private void ApplyPut(InMemoryPartition partition, ReadOnlySpan<byte> key, byte[] value, long sequence)
    {
        var node = partition.List.FindForWrite(new NodeKey(key));
        if (node is null)
        {
            var version = new Version(sequence, value, null);
            node = partition.List.Insert(key, version);
            partition.AddCount(1);
            AddBytes(partition, node.Size + version.Size);
            AddLiveBytes(partition, key.Length + value.Length);
            _tracker?.OnWrite(partition, key, value, existedBefore: false);
            return;
        }

        var head = node.Head!;
        var wasLive = head.Value is not null;
        AddLiveBytes(partition, value.Length - (head.Value?.Length ?? -key.Length));
        _tracker?.OnWrite(partition, key, value, wasLive);
        SetHead(partition, node, head, new Version(sequence, value, head.Sequence == sequence ? head.Older : head));
        if (!wasLive)
        {
            partition.AddCount(1);
        }
    }

    private void ApplyRemove(InMemoryPartition partition, ReadOnlySpan<byte> key, long sequence)
    {
        var node = partition.List.FindForWrite(new NodeKey(key));
        var head = node?.Head;
        if (node is null || head?.Value is null)
        {
            return;
        }

        SetHead(partition, node, head, new Version(sequence, null, head.Sequence == sequence ? head.Older : head));
        partition.AddCount(-1);
        AddLiveBytes(partition, -(key.Length + head.Value.Length));
        _tracker?.OnWrite(partition, key, null, existedBefore: true);
    }

    /// <summary>
    /// Links the new head. A second write of the same key in one batch replaces the batch's own version: nobody can
    /// have read it, since the batch is not published yet.
    /// </summary>
    private void SetHead(InMemoryPartition partition, Node node, Version head, Version version)
    {
        node.SetHead(version);
        AddBytes(partition, version.Size - (ReferenceEquals(version.Older, head) ? 0 : head.Size));
        _touched.Add((partition, node));
    }

    /// <summary>Publishes the write (readers see all of it from here), then prunes the keys it overwrote or removed.</summary>
    private void Commit(long sequence)
    {
        Volatile.Write(ref _sequence, sequence);
        foreach (var (partition, node) in _touched)
        {
            Prune(partition, node);
        }

        _touched.Clear();

        // Each write also works off a little of the queue, so it drains even when no read point is released.
        for (var i = 0; i < 2 && _pending.Count > 0; i++)
        {
            PruneOnePending();
        }
    }

    /// <summary>
    /// Cuts the versions no reader can see any more: every reader reads at or after the oldest read point, so the
    /// newest version at that point is the oldest one anybody needs. A removed key whose removal everybody sees is
    /// unlinked. What must stay for a reader is queued and pruned again when read points are released.
    /// </summary>
    private void Prune(InMemoryPartition partition, Node node)
    {
        if (partition.IsDropped || node.Unlinked)
        {
            return;
        }

        // Null when the key did not exist yet at the oldest read point: then nothing is old enough to cut.
        var oldestNeeded = node.VersionAt(Math.Min(_oldestReadPoint, _sequence));
        long freed = 0;
        if (oldestNeeded is not null)
        {
            for (var v = oldestNeeded.Older; v is not null; v = v.Older)
            {
                freed += v.Size;
            }

            oldestNeeded.CutOlder();
        }

        var head = node.Head!;
        if (head.Value is null && ReferenceEquals(oldestNeeded, head))
        {
            partition.List.Unlink(node);
            node.Unlinked = true;
            freed += node.Size + head.Size;
        }
        else if (!node.Pending && (head.Older is not null || head.Value is null))
        {
            node.Pending = true;
            _pending.Enqueue((partition, node));
        }

        AddBytes(partition, -freed);
    }

    /// <summary>
    /// Prunes queued nodes in short turns of the lock, so a large backlog left by a long backup does not stall writers
    /// in one piece. With no reader left, everything queued can go, so the whole queue is worked off; while other
    /// readers remain, most entries may still be needed, so one release looks at a bounded number (the writes'
    /// own share in <see cref="Commit"/> and later releases continue).
    /// </summary>
    private void PrunePending()
    {
        const int Turn = 256;
        const int WhileReadersRemain = 4 * Turn;
        int remaining;
        lock (_writeLock)
        {
            remaining = _oldestReadPoint == long.MaxValue ? _pending.Count : Math.Min(_pending.Count, WhileReadersRemain);
        }

        while (remaining > 0)
        {
            lock (_writeLock)
            {
                remaining = Math.Min(remaining, _pending.Count);
                for (var i = 0; i < Turn && remaining > 0; i++, remaining--)
                {
                    PruneOnePending();
                }
            }
        }
    }

    private void PruneOnePending()
    {
        var (partition, node) = _pending.Dequeue();
        node.Pending = false;
        Prune(partition, node);
    }

    private void AddLiveBytes(InMemoryPartition partition, long delta)
    {
        partition.LiveBytes += delta;
        Interlocked.Add(ref _liveBytes, delta);
    }

    private void AddBytes(InMemoryPartition partition, long delta)
    {
        partition.Bytes += delta;
        Interlocked.Add(ref _bytes, delta);
    }
}
