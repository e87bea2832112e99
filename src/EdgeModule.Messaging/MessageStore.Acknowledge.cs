using EdgeModule.Messaging.Layout;

namespace EdgeModule.Messaging;

/// <summary>
/// Acknowledge: the checkpoint advance, and with <see cref="MessageStoreOptions.RemoveOnCheckpoint"/> the removal of
/// what it delivered, in one atomic write.
/// </summary>
public sealed partial class MessageStore
{
    /// <summary>
    /// Records that everything of <paramref name="batch"/> is delivered: writes the endpoint's checkpoint (and the
    /// quarantine copies of undecodable entries) in one atomic batch. With
    /// <see cref="MessageStoreOptions.RemoveOnCheckpoint"/> the same batch removes the queue entries it covered and the
    /// message records no other queue still references. Call it only after the upstream acknowledged every message of
    /// the batch. A batch at or below the current checkpoint changes nothing.
    /// </summary>
    public void Acknowledge(MessageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var queue = GetQueue(batch.Endpoint);
        if (batch.LastSequence <= queue.Checkpoint)
        {
            return;
        }

        if (_options.RemoveOnCheckpoint)
        {
            AcknowledgeAndRemove(queue, batch);
            return;
        }

        using var write = _store.CreateWriteBatch();
        AddCheckpoint(write, queue, batch);
        _store.Write(write);
        queue.Checkpoint = batch.LastSequence;
        CountAcknowledged(queue, batch);
    }

    /// <summary>After the checkpoint's write: what the batch forwarded, dropped as expired and quarantined.</summary>
    private static void CountAcknowledged(EndpointQueue queue, MessageBatch batch)
    {
        queue.AddForwarded(batch.Messages.Count - batch.ExpiredWhileHeld.Count);
        queue.AddQuarantined(batch.CorruptCount);
        if (batch.ExpiredWhileHeld.Count == 0)
        {
            queue.CountExpired(batch.ExpiredSequences);
        }
        else
        {
            queue.CountExpired([.. batch.ExpiredSequences.Concat(batch.ExpiredWhileHeld).Order()]);
        }
    }

    private void AddCheckpoint(Storage.IWriteBatch write, EndpointQueue queue, MessageBatch batch)
    {
        write.Put(_checkpoints, queue.CheckpointKey, StoreLayout.CheckpointValue(batch.LastSequence));
        foreach (var entry in batch.Corrupt)
        {
            write.Put(_quarantine, StoreLayout.QuarantineKey(batch.Endpoint, entry.Sequence), entry.Record);
        }
    }

    /// <summary>
    /// Under the cleanup lock, which serialises every change of reference counts (cleanup, and the acknowledgements
    /// of all endpoints: two endpoints releasing one message at once would otherwise both read the same count).
    /// Only entries above the queue's removed watermark are removed: cleanup may already have removed expired ones
    /// of a batch the upstream held, and releasing a message twice would delete it under another queue's feet.
    /// </summary>
    private void AcknowledgeAndRemove(EndpointQueue queue, MessageBatch batch)
    {
        lock (_cleanupLock)
        {
            var removeAbove = Math.Max(queue.Checkpoint, queue.RemovedThrough);
            var pass = new Pass(_store.CreateWriteBatch());
            try
            {
                AddCheckpoint(pass.Batch, queue, batch);
                foreach (var covered in batch.Entries)
                {
                    if (covered.Sequence <= removeAbove || covered.Sequence > batch.LastSequence)
                    {
                        continue;
                    }

                    pass.Batch.Remove(queue.Partition, StoreLayout.SequenceKey(covered.Sequence));
                    pass.Entries++;
                    pass.EntryBytes += covered.Entry.RecordBytes;
                    if (covered.Decoded)
                    {
                        Release(pass, covered.Entry);
                    }
                    else
                    {
                        Log.CorruptEntryAtCleanup(_logger, queue.Name, covered.Sequence, "the queue entry cannot be decoded");
                    }
                }

                _store.Write(pass.Batch);
                queue.Checkpoint = batch.LastSequence;
                queue.RemovedThrough = Math.Max(queue.RemovedThrough, batch.LastSequence);
                queue.AddLength(-pass.Entries);
                queue.AddBytes(-pass.EntryBytes);
                Interlocked.Add(ref _messageCount, -pass.Messages);
                Interlocked.Add(ref _bytes, -pass.Bytes);
                CountAcknowledged(queue, batch);
            }
            finally
            {
                pass.Batch.Dispose();
            }
        }
    }
}
