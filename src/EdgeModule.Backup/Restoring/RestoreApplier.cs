using System.Collections.Concurrent;
using EdgeModule.Backup.Internal;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// The apply pass of a restore, as a two-stage pipeline so that reading the file and writing the store overlap:
/// a reader thread decodes frames (checking every CRC again, so a file changed since verification fails here) and
/// fills write batches; the calling thread writes each full batch into the store. Three batches circulate (one being
/// filled, one queued, one being written), so memory stays at about three times <see cref="BackupOptions.RestoreBatchBytes"/>.
/// Every partition is created, empty ones too.
/// </summary>
internal static class RestoreApplier
{
    private const int BatchCount = 3;

    public static void Apply(string path, IKeyValueStore store, BackupOptions options, CancellationToken cancellationToken)
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

        // A reader failure (damage found on the second pass) ends the queue early; report it as it was thrown.
        reader.GetAwaiter().GetResult();
    }

    private static void Produce(
        string path,
        IKeyValueStore store,
        BackupOptions options,
        BlockingCollection<IWriteBatch> free,
        BlockingCollection<IWriteBatch> full,
        CancellationToken stop)
    {
        try
        {
            using var reader = BackupReader.Open(path, options.ReadBufferBytes);
            var batch = free.Take(stop);
            IPartition? partition = null;
            long bytes = 0;
            BackupEntryKind kind;
            while ((kind = reader.Read()) != BackupEntryKind.End)
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
            }
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
