using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Journal;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// A restore in one pass over the file, verifying as it applies, as a pipeline of four threads so that every core
/// has work: a read-ahead thread reads the file in large chunks (<see cref="Format.FileReadAhead"/>); a reader thread
/// checks every frame (as <see cref="BackupVerifier"/> does) and copies the records into a <see cref="RecordStage"/>;
/// a filler thread puts each full stage into a write batch (which copies every value once more: in memory, the
/// arrays the store keeps); the calling thread writes each full batch into the store. Three stages and three batches
/// circulate (<see cref="Relay{T}"/>), so memory stays at a few times <see cref="BackupOptions.RestoreBatchBytes"/>.
/// Every partition is created, empty ones too.
/// Delta segments (format version 2) follow the base: the reader copies each into a <see cref="DeltaBuffer"/> and
/// hands it on only once its commit frame checked out, and the calling thread applies them in order after the base's
/// last batch. So a torn last delta never reaches the store, and a point-in-time restore stops before the first delta
/// past its point.
/// </summary>
/// <remarks>
/// Records reach the store before the commit frame that vouches for them has been read. So the verdict comes at the
/// end: when the file turns out damaged, or anything else fails (the store, cancellation), everything written is
/// discarded (<see cref="RestoreTarget.Discard"/>) before the caller sees the store again, which leaves it as empty
/// as it was. Nothing of a bad file is ever left applied, and the file is read once instead of twice (verify, then
/// apply).
/// </remarks>
internal static class RestoreApplier
{
    private const int InFlight = 3;

    /// <summary>
    /// Restores the file into <paramref name="store"/> (checked empty by the caller). A damaged, newer or unreadable
    /// file is reported in the result's <see cref="BackupVerification.Problem"/> with the store left empty; any other
    /// failure is thrown, also with the store left empty.
    /// </summary>
    public static BackupVerification Apply(string path, IKeyValueStore store, BackupOptions options, CancellationToken cancellationToken) =>
        Apply(path, store, options, until: null, cancellationToken).Verdict;

    /// <summary>As above, applying deltas only up to <paramref name="until"/> (all of them when null).</summary>
    public static Replayed Apply(string path, IKeyValueStore store, BackupOptions options, RestorePoint? until, CancellationToken cancellationToken)
    {
        var target = RestoreTarget.Of(store);
        Replayed verdict;
        try
        {
            using var quiet = store is InMemoryStore && FileLength(path) is var length && length >= options.QuietGcRestoreBytes
                ? GcQuietPeriod.TryBegin(length * 2)
                : null;
            verdict = Run(path, store, options, until, cancellationToken);
        }
        catch (Exception ex)
        {
            target.Discard(path, ex);
            throw;
        }

        if (!verdict.Verdict.Sound)
        {
            target.Discard(path, cause: null);
        }

        return verdict;
    }

    private static Replayed Run(string path, IKeyValueStore store, BackupOptions options, RestorePoint? until, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stages = new Relay<RecordStage>(InFlight, () => new RecordStage(options.RestoreBatchBytes));
        using var batches = new Relay<IWriteBatch>(InFlight, store.CreateWriteBatch);
        using var deltas = new BlockingCollection<DeltaBuffer>(InFlight);
        Task? reader = null;
        Task? filler = null;
        BackupVerification? verdict = null;
        Exception? writerFailure = null;
        var applied = 0;
        long? sequence = null;
        try
        {
            reader = Start(
                () => verdict = Read(path, store, options, until, stages, deltas, stop.Token),
                () =>
                {
                    stages.Complete();
                    deltas.CompleteAdding();
                },
                stop);
            filler = Start(() => Fill(stages, batches, stop.Token), batches.Complete, stop);
            foreach (var batch in batches.Consume(stop.Token))
            {
                options.FaultHook?.Invoke(BackupFaultPoint.RestoreBatch);
                store.Write(batch);
                batch.Clear();
                batches.Release(batch, stop.Token);
            }

            // The base is in the store; now the deltas, each one whole, in file order.
            foreach (var delta in deltas.GetConsumingEnumerable(stop.Token))
            {
                using (delta)
                {
                    delta.ApplyTo(store, options.RestoreBatchBytes, () => options.FaultHook?.Invoke(BackupFaultPoint.RestoreBatch));
                    applied++;
                    sequence = delta.Sequence;
                }
            }
        }
        catch (Exception ex)
        {
            writerFailure = ex;
            stop.Cancel();
        }
        finally
        {
            // Every thread must have stopped before the stages and batches are disposed.
            WaitQuietly(reader);
            WaitQuietly(filler);
        }

        // One failure makes the other threads stop with a cancellation: report the failure that caused it.
        Exception?[] failures = [writerFailure, reader?.Exception?.InnerException, filler?.Exception?.InnerException];
        if ((failures.FirstOrDefault(e => e is not null and not OperationCanceledException) ?? failures.FirstOrDefault(e => e is not null)) is { } cause)
        {
            ExceptionDispatchInfo.Throw(cause);
        }

        // Damage ends the pipeline early with a verdict.
        return new Replayed(verdict!, applied, sequence ?? verdict!.Header?.Sequence ?? 0);
    }

    private static long FileLength(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0; // reported by the reading itself
        }
    }

    /// <summary>Runs a stage of the pipeline on a thread of its own; a failure stops the other stages.</summary>
    private static Task Start(Action body, Action completeOutput, CancellationTokenSource stop) =>
        Task.Factory.StartNew(
            () =>
            {
                try
                {
                    body();
                }
                catch (Exception)
                {
                    stop.Cancel();
                    throw;
                }
                finally
                {
                    completeOutput();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>The reader thread: checks the file and stages its records, a stage at a time.</summary>
    private static BackupVerification Read(
        string path,
        IKeyValueStore store,
        BackupOptions options,
        RestorePoint? until,
        Relay<RecordStage> stages,
        BlockingCollection<DeltaBuffer> deltas,
        CancellationToken stop)
    {
        var stage = stages.TakeFree(stop);
        IPartition? partition = null;
        DeltaBuffer? delta = null;
        var pastPoint = false;
        return BackupVerifier.Read(path, options.ReadBufferBytes, (reader, kind) =>
        {
            if (reader.SegmentIndex > 0)
            {
                if (kind == BackupEntryKind.SegmentStart)
                {
                    if (reader.SegmentIndex == 1)
                    {
                        stages.Complete(); // the base is staged in full: the filler and writer finish it
                    }

                    pastPoint |= until is not null && !until.Includes(reader.SegmentCreatedAt, reader.SegmentSequence);
                    delta = pastPoint ? null : new DeltaBuffer { Sequence = reader.SegmentSequence };
                }

                StageDelta(reader, kind, ref delta, deltas, stop);
                return;
            }

            switch (kind)
            {
                case BackupEntryKind.Partition:
                    partition = store.GetOrCreatePartition(reader.PartitionName!);
                    break;
                case BackupEntryKind.Record:
                    stage.Add(partition!, reader.Key, reader.Value);
                    if (stage.Weight >= options.RestoreBatchBytes)
                    {
                        stages.Pass(stage, stop);
                        stage = stages.TakeFree(stop);
                    }

                    break;
                case BackupEntryKind.Commit when stage.Count > 0:
                    stages.Pass(stage, stop);
                    stage = stages.TakeFree(stop);
                    break;
            }
        }, stop);
    }

    private static void StageDelta(BackupReader reader, BackupEntryKind kind, ref DeltaBuffer? delta, BlockingCollection<DeltaBuffer> deltas, CancellationToken stop)
    {
        if (delta is null)
        {
            return;
        }

        switch (kind)
        {
            case BackupEntryKind.DropPartition:
                delta.DropPartition(reader.PartitionName!);
                break;
            case BackupEntryKind.Partition:
                delta.Partition(reader.PartitionName!);
                break;
            case BackupEntryKind.Record:
                delta.Put(reader.Key, reader.Value);
                break;
            case BackupEntryKind.Remove:
                delta.Remove(reader.Key);
                break;
            case BackupEntryKind.Commit:
                deltas.Add(delta, stop);
                delta = null;
                break;
        }
    }

    /// <summary>The filler thread: turns each stage into a write batch.</summary>
    private static void Fill(Relay<RecordStage> stages, Relay<IWriteBatch> batches, CancellationToken stop)
    {
        foreach (var stage in stages.Consume(stop))
        {
            var batch = batches.TakeFree(stop);
            stage.CopyTo(batch);
            stage.Clear();
            stages.Release(stage, stop);
            batches.Pass(batch, stop);
        }
    }

    /// <summary>What a restore applied: the verdict on the file, the deltas applied after the base, and the sequence reached.</summary>
    internal readonly record struct Replayed(BackupVerification Verdict, int DeltasApplied, long Sequence);

    private static void WaitQuietly(Task? task)
    {
        try
        {
            task?.Wait(CancellationToken.None);
        }
        catch (AggregateException)
        {
            // Reported by the caller, which picks the failure that caused the others.
        }
    }
}
