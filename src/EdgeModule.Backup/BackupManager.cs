using EdgeModule.Backup.Files;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Writing;
using EdgeModule.Storage;

namespace EdgeModule.Backup;

/// <summary>
/// Writes, lists, restores and prunes the backup generations in one folder. One instance per folder; its methods
/// are serialized. Results are returned (bytes, records, partitions, elapsed, paths) for the host to log.
/// </summary>
/// <remarks>
/// The order of a backup's steps is the crash-safety protocol; a process killed between any two of them leaves the
/// previous generations untouched and no file that could pass for a complete generation:
/// <list type="number">
/// <item>Check the folder exists and is writable, lock it against other processes; pick generation N = highest number seen + 1.</item>
/// <item>Take a snapshot of the store: one instant, consistent across partitions; writers keep running.</item>
/// <item>Create <c>backup-N.ebk.tmp</c> (create-new, mode 0600) and stream the header, one full segment and its commit
/// frame into it with large sequential writes; the deadline and cancellation are checked before every write.</item>
/// <item>Release the snapshot, then fsync the temp file.</item>
/// <item>Rename it to <c>backup-N.ebk</c> (never overwriting), then fsync the folder: generation N is now durable.</item>
/// <item>Only now delete generations beyond <see cref="BackupOptions.KeepGenerations"/> (newest kept).</item>
/// </list>
/// Any failure before the rename deletes the temp file and throws a typed error; a temp file left by a killed writer
/// is deleted at the next restore (<see cref="CleanupLeftovers"/>).
/// </remarks>
public sealed partial class BackupManager
{
    private readonly BackupOptions _options;
    private readonly TimeProvider _time;

    public BackupManager(BackupOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        Folder = Path.GetFullPath(options.Folder);
    }

    /// <summary>The backup folder, as a full path.</summary>
    public string Folder { get; }

    /// <summary>The quarantine folder inside <see cref="Folder"/>.</summary>
    public string QuarantineFolder => Path.Combine(Folder, GenerationFiles.QuarantineFolderName);

    /// <summary>
    /// Backs up the whole store into a new generation (the protocol is in the class remarks). Throws
    /// <see cref="BackupDeadlineExceededException"/> when <paramref name="deadline"/> passes first,
    /// <see cref="OperationCanceledException"/> on cancellation, <see cref="BackupDiskFullException"/> when the disk
    /// fills and <see cref="BackupFolderException"/> for a missing or read-only folder; in every case the previous
    /// generations are untouched.
    /// </summary>
    public BackupResult Backup(IKeyValueStore store, DateTimeOffset? deadline = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);

        // Step 1: folder (exclusively ours for now: an operation of this process on it finishes first, within
        // this one's deadline) and generation number.
        EnsureFolderWritable();
        using var folderLock = FolderLock.Acquire(Folder, _time, deadline, cancellationToken);
        CheckDeadline(deadline, 0, cancellationToken);
        var started = _time.GetTimestamp();
        var generation = NextGeneration();
        var finalPath = Path.Combine(Folder, GenerationFiles.FileName(generation));
        // The temp file's name gets a random part when it is created (nothing can be planted under it beforehand).
        var tempPath = Path.Combine(Folder, GenerationFiles.TempPrefix(generation) + "*" + GenerationFiles.TempSuffix);
        var tempCreated = false;

        // Step 2: the snapshot.
        var snapshot = store.CreateSnapshot();
        var sequence = snapshot.Sequence;
        var snapshotOpen = true;
        FrameWriter? frames = null;
        var renamed = false;
        SnapshotWriter.Totals totals;
        try
        {
            // Step 3: stream into the temp file.
            var created = _time.GetUtcNow();
            Fault(BackupFaultPoint.CreateTemp);
            using (var file = SafeFile.CreateUnique(Folder, GenerationFiles.TempPrefix(generation), GenerationFiles.TempSuffix, out tempPath))
            {
                tempCreated = true;
                frames = new FrameWriter(
                    file, 0, _options.WriteBufferBytes,
                    () => CheckDeadline(deadline, frames?.WrittenOffset ?? 0, cancellationToken), _options.FaultHook, _options.DirectIo);
                using (frames)
                {
                    totals = SnapshotWriter.Write(
                        frames, snapshot, store.BackendName, store.Identity, generation, created,
                        () => _time.GetElapsedTime(started));
                }

                // Step 4: the data is written; let the store drop the versions the snapshot pinned, then flush.
                snapshot.Dispose();
                snapshotOpen = false;
                Fault(BackupFaultPoint.FlushFile);
                RandomAccess.FlushToDisk(file);
            }

            // Step 5: make it a generation, durably.
            Fault(BackupFaultPoint.Rename);
            File.Move(tempPath, finalPath, overwrite: false);
            renamed = true;
            Fault(BackupFaultPoint.FlushDirectory);
            DirectorySync.Flush(Folder);
        }
        catch (Exception ex) when (ex is not FaultInjectedException && !renamed)
        {
            if (snapshotOpen)
            {
                snapshot.Dispose();
            }

            if (tempCreated)
            {
                TryDelete(tempPath);
            }

            var translated = Translate(ex, tempPath, frames?.WrittenOffset ?? 0);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupException(
                $"The backup '{finalPath}' was written but flushing the folder '{Folder}' failed: {ex.Message}", ex);
        }

        var elapsed = _time.GetElapsedTime(started);
        var speed = totals.FileBytes / Math.Max(elapsed.TotalSeconds, 1e-6);
        RecordSpeed(speed, SpeedSource.Measured, totals.FileBytes);

        // Step 6: only now that N is durable may older generations go.
        var deleted = PruneOldGenerations();
        return new BackupResult
        {
            Generation = generation,
            Path = finalPath,
            Sequence = sequence,
            Partitions = totals.Partitions,
            Records = totals.Records,
            RecordBytes = totals.RecordBytes,
            FileBytes = totals.FileBytes,
            Elapsed = elapsed,
            BytesPerSecond = speed,
            DeletedGenerations = deleted,
        };
    }

    /// <summary>Checks the backup folder exists and a file can be created in it; throws <see cref="BackupFolderException"/> otherwise.</summary>
    public void EnsureFolderWritable()
    {
        if (!Directory.Exists(Folder))
        {
            var what = File.Exists(Folder) ? "is a file, not a folder" : "does not exist";
            throw new BackupFolderException(
                Folder, $"The backup folder '{Folder}' {what}. Create it (mount it from the host) or set BackupFolder to another path.");
        }

        // An unpredictable name, created exclusively: nothing planted in the folder is followed or overwritten.
        string? probe = null;
        try
        {
            SafeFile.CreateUnique(Folder, GenerationFiles.WriteCheckPrefix, GenerationFiles.TempSuffix, out var created).Dispose();
            probe = created;
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (probe is not null)
            {
                TryDelete(probe);
            }

            throw new BackupFolderException(Folder, $"The backup folder '{Folder}' cannot be written: {ex.Message}", ex);
        }
    }

    private static Exception Translate(Exception ex, string tempPath, long written)
    {
        if (ex is IOException io && IsDiskFull(io))
        {
            return new BackupDiskFullException(tempPath, written, ex);
        }

        return ex switch
        {
            UnauthorizedAccessException => new BackupFolderException(
                Path.GetDirectoryName(tempPath)!, $"The backup file '{tempPath}' cannot be written: {ex.Message}", ex),
            IOException => new BackupException($"Writing the backup '{tempPath}' failed after {written} bytes: {ex.Message}", ex),
            _ => ex,
        };
    }

    /// <summary>ENOSPC (28) or EDQUOT (122) on Unix, where .NET puts the errno in HResult; ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    private static bool IsDiskFull(IOException ex) => ex.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp file left behind is deleted at the next start.
        }
    }

    private void CheckDeadline(DateTimeOffset? deadline, long written, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (deadline is { } d && _time.GetUtcNow() >= d)
        {
            throw new BackupDeadlineExceededException(d, written);
        }
    }

    private void Fault(BackupFaultPoint point) => _options.FaultHook?.Invoke(point);
}
