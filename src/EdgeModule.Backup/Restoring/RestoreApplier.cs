using System.Collections.Concurrent;
using EdgeModule.Backup.Internal;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// A restore in one pass over the file, verifying as it applies: a reader thread reads and checks every frame (as
/// <see cref="BackupVerifier"/> does) and fills write batches; the calling thread writes each full batch into the
/// store. Three batches circulate (one being filled, one queued, one being written), so memory stays at about three
/// times <see cref="BackupOptions.RestoreBatchBytes"/>. Every partition is created, empty ones too.
/// </summary>
/// <remarks>
/// Records reach the store before the commit frame that vouches for them has been read. So the verdict comes at the
/// end: when the file turns out damaged, or anything else fails (the store, cancellation), everything written is
/// discarded (<see cref="RestoreTarget.Discard"/>) before the caller sees the store again, which leaves it as empty
/// as it was. Nothing of a bad file is ever left applied; reading the file once instead of twice (verify, then
/// apply) is what makes a restore run at the disk's read speed.
/// </remarks>
internal static class RestoreApplier
{
    private const int BatchCount = 3;

    /// <summary>
    /// Restores the file into <paramref name="store"/> (checked empty by the caller). A damaged, newer or unreadable
    /// file is reported in the result's <see cref="BackupVerification.Problem"/> with the store left empty; any other
    /// failure is thrown, also with the store left empty.
    /// </summary>
    public static BackupVerification Apply(string path, IKeyValueStore store, BackupOptions options, CancellationToken cancellationToken)
    {
        var target = RestoreTarget.Of(store);
        BackupVerification verdict;
        try
        {
            verdict = Run(path, store, options, cancellationToken);
        }
        catch (Exception ex)
        {
            target.Discard(path, ex);
            throw;
        }

        if (!verdict.Sound)
        {
            target.Discard(path, cause: null);
        }

        return verdict;
    }

    private static BackupVerification Run(string path, IKeyValueStore store, BackupOptions options, CancellationToken cancellationToken)
    {
        var batches = Enumerable.Range(0, BatchCount).Select(_ => store.CreateWriteBatch()).ToArray();
        using var free = new BlockingCollection<IWriteBatch>(BatchCount);
        using var full = new BlockingCollection<IWriteBatch>(BatchCount);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (var batch in batches)
        {
            free.Add(batch, CancellationToken.None);
        }

        var reader = Task.Factory.StartNew(
            () => Produce(path, store, options, free, full, stop.Token),
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            foreach (var batch in full.GetConsumingEnumerable(stop.Token))
            {
                options.FaultHook?.Invoke(BackupFaultPoint.RestoreBatch);
                store.Write(batch);
                batch.Clear();
                free.Add(batch, stop.Token);
            }
        }
        catch (Exception)
        {
            // The writing side failed (or was cancelled): stop the reader too.
            stop.Cancel();
            throw;
        }
        finally
        {
            // The reader may still hold a batch; only once it has finished can the batches be disposed.
            WaitQuietly(reader);
            foreach (var batch in batches)
            {
                batch.Dispose();
            }
        }

        // Damage ends the queue early with a verdict; a failure of the reading side is rethrown as it was thrown.
        return reader.GetAwaiter().GetResult();
    }

    private static BackupVerification Produce(
        string path,
        IKeyValueStore store,
        BackupOptions options,
        BlockingCollection<IWriteBatch> free,
        BlockingCollection<IWriteBatch> full,
        CancellationToken stop)
    {
        try
        {
            var batch = free.Take(stop);
            IPartition? partition = null;
            long bytes = 0;
            return BackupVerifier.Read(path, options.ReadBufferBytes, (reader, kind) =>
            {
                switch (kind)
                {
                    case BackupEntryKind.Partition:
                        partition = store.GetOrCreatePartition(reader.PartitionName!);
                        break;
                    case BackupEntryKind.Record:
                        var key = reader.Key;
                        var value = reader.Value;
                        batch.Put(partition!, key, value);
                        bytes += key.Length + value.Length + 32; // + a rough per-entry cost, so tiny records still batch sensibly
                        if (bytes >= options.RestoreBatchBytes)
                        {
                            full.Add(batch, stop);
                            batch = free.Take(stop);
                            bytes = 0;
                        }

                        break;
                    case BackupEntryKind.Commit when batch.Count > 0:
                        full.Add(batch, stop);
                        batch = free.Take(stop);
                        bytes = 0;
                        break;
                }
            }, stop);
        }
        finally
        {
            full.CompleteAdding();
        }
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait(CancellationToken.None);
        }
        catch (AggregateException)
        {
            // Reported below (reader failure) or superseded by the writing side's exception.
        }
    }
}
