using EdgeModule.Messaging.Layout;
using EdgeModule.Storage;

namespace EdgeModule.Messaging;

/// <summary>
/// Cleanup: walks each queue from its head and removes entries while they are delivered (at or below the checkpoint)
/// or expired; stops at the first entry that is neither, since entries behind it are newer. Each removed entry
/// decrements its message's reference count; the last one deletes the record. Every group of changes (entries,
/// counts, records) goes into one atomic batch, so a crash between batches leaves counts that match the entries.
/// </summary>
public sealed partial class MessageStore
{
    /// <summary>Changes per write batch: bounds a pass's memory and how long it holds the backend's write path.</summary>
    internal const int CleanupBatchOperations = 8192;

    private readonly Lock _cleanupLock = new();

    /// <summary>
    /// One cleanup pass over every queue. The host calls it every <see cref="CleanupInterval"/>
    /// (or runs <see cref="RunCleanupLoopAsync"/>); tests call it directly with a manual clock. Passes do not overlap.
    /// </summary>
    public CleanupResult Cleanup()
    {
        lock (_cleanupLock)
        {
            var total = default(CleanupResult);
            foreach (var queue in _queues.Values)
            {
                total = Add(total, CleanQueue(queue));
            }

            if (total.EntriesRemoved > 0)
            {
                Log.CleanedUp(_logger, total.EntriesRemoved, total.ExpiredEntries, total.MessagesDeleted, total.BytesFreed);
            }

            return total;
        }
    }

    /// <summary>Runs <see cref="Cleanup"/> every <see cref="CleanupInterval"/> until cancelled; a failed pass is logged.</summary>
    public async Task RunCleanupLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CappedPeriod(CleanupInterval), _time);
        Volatile.Write(ref _cleanupTimer, timer);
        timer.Period = CappedPeriod(CleanupInterval); // a change made before the line above
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    Cleanup();
                }
                catch (Exception ex) when (ex is StorageException or MessageCorruptException or IOException)
                {
                    Log.CleanupFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is the normal end of the loop.
        }
        finally
        {
            Interlocked.CompareExchange(ref _cleanupTimer, null, timer);
        }
    }

    private CleanupResult CleanQueue(EndpointQueue queue)
    {
        var checkpoint = queue.Checkpoint;
        var expiredBefore = ExpiryCutoffTicks();
        var result = default(CleanupResult);
        var pass = new Pass(_store.CreateWriteBatch());
        try
        {
            using var cursor = queue.Partition.OpenCursor();
            for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
            {
                if (!StoreLayout.TryReadSequenceKey(cursor.Key, out var sequence))
                {
                    throw new MessageCorruptException($"Queue '{queue.Name}' holds a key of {cursor.Key.Length} bytes.");
                }

                var delivered = sequence <= checkpoint;
                var decoded = QueueEntry.TryDecode(cursor.Value, out var entry, out var problem);
                var expired = decoded && entry.EnqueuedTicks <= expiredBefore;
                if (!delivered && !expired)
                {
                    break;
                }

                pass.Batch.Remove(queue.Partition, cursor.Key.ToArray());
                pass.Entries++;
                pass.LastRemoved = sequence;
                if (!delivered)
                {
                    pass.ExpiredSequences.Add(sequence);
                }

                if (decoded)
                {
                    pass.EntryBytes += entry.RecordBytes;
                    Release(pass, entry);
                }
                else
                {
                    Log.CorruptEntryAtCleanup(_logger, queue.Name, sequence, problem!);
                }

                if (pass.Batch.Count >= CleanupBatchOperations)
                {
                    result = Add(result, Flush(queue, pass));
                }
            }

            return Add(result, Flush(queue, pass));
        }
        finally
        {
            pass.Batch.Dispose();
        }
    }

    /// <summary>Drops one reference to the entry's message: absent count = 1, so the last reference deletes the record.</summary>
    private void Release(Pass pass, QueueEntry entry)
    {
        var key = StoreLayout.SequenceKey(entry.MessageNumber);
        if (!pass.RefCounts.TryGetValue(entry.MessageNumber, out var count))
        {
            count = StoreLayout.ReadRefCount(_refCounts.Get(key));
        }

        count--;
        if (count > 0 || pass.RefCounts.ContainsKey(entry.MessageNumber))
        {
            // Only shared messages need remembering: a count of 1 means no other entry names the message.
            pass.RefCounts[entry.MessageNumber] = count;
        }

        if (count <= 0)
        {
            pass.Batch.Remove(_messages, key);
            pass.Messages++;
            pass.Bytes += entry.RecordBytes;
        }
        else if (count == 1)
        {
            pass.Batch.Remove(_refCounts, key);
        }
        else
        {
            pass.Batch.Put(_refCounts, key, StoreLayout.RefCountValue(count));
        }
    }

    private CleanupResult Flush(EndpointQueue queue, Pass pass)
    {
        if (pass.Batch.Count == 0)
        {
            return default;
        }

        _store.Write(pass.Batch);
        var done = new CleanupResult(pass.Entries, pass.ExpiredSequences.Count, pass.Messages, pass.Bytes);
        queue.RemovedThrough = Math.Max(queue.RemovedThrough, pass.LastRemoved);
        queue.AddLength(-pass.Entries);
        queue.AddBytes(-pass.EntryBytes);
        queue.CountExpired(pass.ExpiredSequences);
        if (pass.ExpiredSequences.Count > 0)
        {
            // The head after the checkpoint may be gone: the next stats call looks it up again.
            queue.Head = null;
        }

        Interlocked.Add(ref _messageCount, -pass.Messages);
        Interlocked.Add(ref _bytes, -pass.Bytes);
        pass.Reset();
        return done;
    }

    private static CleanupResult Add(CleanupResult a, CleanupResult b) => new(
        a.EntriesRemoved + b.EntriesRemoved, a.ExpiredEntries + b.ExpiredEntries, a.MessagesDeleted + b.MessagesDeleted, a.BytesFreed + b.BytesFreed);

    /// <summary>The changes of one batch not yet written, and the reference counts they leave.</summary>
    private sealed class Pass(IWriteBatch batch)
    {
        public IWriteBatch Batch { get; } = batch;

        /// <summary>Counts already decremented in this batch (the store still has the old values until it is written).</summary>
        public Dictionary<long, int> RefCounts { get; } = [];

        public long Entries { get; set; }

        /// <summary>Sequences of the entries removed undelivered (expired), ascending.</summary>
        public List<long> ExpiredSequences { get; } = [];

        /// <summary>Record bytes of the queue entries removed (their copies of the record size).</summary>
        public long EntryBytes { get; set; }

        public long Messages { get; set; }

        public long Bytes { get; set; }

        /// <summary>The highest queue sequence removed in this batch.</summary>
        public long LastRemoved { get; set; }

        public void Reset()
        {
            Batch.Clear();
            RefCounts.Clear();
            ExpiredSequences.Clear();
            Entries = Messages = Bytes = LastRemoved = EntryBytes = 0;
        }
    }
}
