using EdgeModule.Backup.Files;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Journal;
using EdgeModule.Backup.Writing;
using EdgeModule.Storage;

namespace EdgeModule.Backup;

/// <summary>A new full generation for a journal, continued by the journal's first delta before it becomes a generation.</summary>
public sealed partial class BackupManager
{
    private BackupJournal? _journal;

    internal Action<BackupFaultPoint>? FaultHook => _options.FaultHook;

    /// <summary>
    /// While a journal appends to this folder's newest generation, <see cref="Backup"/> writes its full generations
    /// through it (the journal continues on the new one), so no generation can be newer than the journal's file.
    /// </summary>
    internal void Attach(BackupJournal journal)
    {
        if (Interlocked.CompareExchange(ref _journal, journal, null) is not null)
        {
            throw new InvalidOperationException($"A journal already appends to the backups in '{Folder}'.");
        }
    }

    internal void Detach(BackupJournal journal) => Interlocked.CompareExchange(ref _journal, null, journal);

    internal int WriteBufferBytes => _options.WriteBufferBytes;

    /// <summary>
    /// Writes <paramref name="snapshot"/> (owned from here) as a new full generation, as <see cref="Backup"/> does, with
    /// one step more: once the base is written and flushed to disk, <paramref name="continueTemp"/> appends to the temp
    /// file what changed since the snapshot (the journal takes its flush lock there and keeps it) and returns the
    /// file's new tail; the file is then renamed into place, the folder flushed, and <paramref name="switchTo"/> called
    /// with the generation's path and tail while the journal still holds its lock. Only then are old generations pruned.
    /// A failure before the rename deletes the temp file; the previous generations are untouched.
    /// </summary>
    internal BackupResult WriteJournalGeneration(
        IKeyValueStore store,
        IStoreSnapshot snapshot,
        Func<GenerationTail, GenerationTail> continueTemp,
        Action<string, GenerationTail> switchTo,
        DateTimeOffset? deadline,
        CancellationToken cancellationToken)
    {
        // The steps of Backup (see the class remarks), with the journal's first delta before the rename.
        EnsureFolderWritable();
        using var folderLock = FolderLock.Acquire(Folder, _time, deadline, cancellationToken);
        var snapshotOpen = true;
        string? tempPath = null;
        var renamed = false;
        FrameWriter? frames = null;
        try
        {
            CheckDeadline(deadline, 0, cancellationToken);
            var started = _time.GetTimestamp();
            var generation = NextGeneration();
            var finalPath = Path.Combine(Folder, GenerationFiles.FileName(generation));
            var sequence = snapshot.Sequence;
            SnapshotWriter.Totals totals;
            GenerationTail tail;
            Fault(BackupFaultPoint.CreateTemp);
            using (var file = SafeFile.CreateUnique(Folder, GenerationFiles.TempPrefix(generation), GenerationFiles.TempSuffix, out tempPath))
            {
                uint digestState;
                frames = new FrameWriter(
                    file, 0, _options.WriteBufferBytes,
                    () => CheckDeadline(deadline, frames?.WrittenOffset ?? 0, cancellationToken), _options.FaultHook, _options.DirectIo);
                using (frames)
                {
                    totals = SnapshotWriter.Write(
                        frames, snapshot, store.BackendName, store.Identity, generation, _time.GetUtcNow(), () => _time.GetElapsedTime(started));
                    digestState = frames.CompleteDigestState();
                }

                snapshot.Dispose();
                snapshotOpen = false;

                // The base reaches the disk before the journal's lock is taken: under it only the (small) first delta is flushed.
                Fault(BackupFaultPoint.FlushFile);
                RandomAccess.FlushToDisk(file);

                // The first delta starts at any offset: written through the page cache, like every delta.
                DirectIo.Disable(file);
                tail = continueTemp(new GenerationTail(generation, totals.FileBytes, digestState, 0, sequence, totals.RecordBytes) { Handle = file });
            }

            Fault(BackupFaultPoint.Rename);
            File.Move(tempPath, finalPath, overwrite: false);
            renamed = true;
            Fault(BackupFaultPoint.FlushDirectory);
            DirectorySync.Flush(Folder);
            switchTo(finalPath, tail with { Handle = null });

            var elapsed = _time.GetElapsedTime(started);
            var speed = totals.FileBytes / Math.Max(elapsed.TotalSeconds, 1e-6);
            RecordSpeed(speed, SpeedSource.Measured, tail.End);
            var deleted = PruneOldGenerations();
            return new BackupResult
            {
                Generation = generation,
                Path = finalPath,
                Sequence = tail.LastSequence,
                Partitions = totals.Partitions,
                Records = totals.Records,
                RecordBytes = totals.RecordBytes,
                FileBytes = tail.End,
                Elapsed = elapsed,
                BytesPerSecond = speed,
                DeletedGenerations = deleted,
            };
        }
        catch (Exception ex) when (ex is not FaultInjectedException && !renamed)
        {
            if (snapshotOpen)
            {
                snapshot.Dispose();
            }

            if (tempPath is not null)
            {
                TryDelete(tempPath);
            }

            var translated = Translate(ex, tempPath ?? Folder, frames?.WrittenOffset ?? 0);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
        catch (Exception ex) when (ex is not FaultInjectedException)
        {
            throw new BackupException($"A new backup generation was written but making it durable failed: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Point-in-time restore of one file (the offline tool): its base, then its deltas up to <paramref name="until"/>
    /// (a point with neither a time nor a sequence: all of them), into an empty store, outside the generation
    /// bookkeeping. Throws as <see cref="RestoreFile(string, IKeyValueStore, CancellationToken)"/>.
    /// </summary>
    public RestoreResult RestoreFileUpTo(string path, IKeyValueStore store, RestorePoint until, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(until);
        EnsureEmpty(store);
        var started = _time.GetTimestamp();
        var replayed = Restoring.RestoreApplier.Apply(path, store, _options, until, cancellationToken);
        var verification = replayed.Verdict;
        switch (verification.Problem)
        {
            case BackupProblem.UnsupportedVersion:
                throw new BackupVersionNotSupportedException(path, verification.Header?.FormatVersion ?? ReadVersion(path), BackupFormat.CurrentVersion);
            case BackupProblem.Corrupt:
                throw new BackupCorruptException(path, verification.FirstBadOffset ?? 0, verification.Reason ?? "damaged");
            case BackupProblem.Unreadable:
                throw new BackupException($"The backup '{path}' cannot be read: {verification.Reason}");
        }

        return new RestoreResult
        {
            Outcome = RestoreOutcome.Restored,
            Generation = verification.Header?.Generation,
            Path = path,
            Partitions = verification.Partitions,
            Records = verification.Records,
            RecordBytes = verification.RecordBytes,
            FileBytes = verification.FileBytes,
            Elapsed = _time.GetElapsedTime(started),
            DeltasApplied = replayed.DeltasApplied,
            DroppedTailBytes = verification.DroppedTailBytes,
            CommitsAfterDamage = verification.CommitsAfterDamage,
        };
    }
}
