using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Restoring;
using EdgeModule.Storage;

namespace EdgeModule.Backup;

/// <summary>
/// Restore, in this order: delete leftover temp files; refuse a store that holds data; then, newest generation first,
/// read the file once, checking every frame and applying its records in batches as it goes. Only a file that checks
/// out to its end counts as restored: when one turns out damaged, what it put into the store is removed again before
/// anything else happens, the file is quarantined and the next older one tried; a newer format version stops the
/// restore with an error (a newer build can still use it). The restored generation is marked restored and stays on
/// disk until a newer backup supersedes it.
/// </summary>
public sealed partial class BackupManager
{
    /// <summary>
    /// Restores the newest sound generation into <paramref name="store"/>, which must be empty. With no sound generation
    /// the result is <see cref="RestoreOutcome.StartingEmpty"/> with the reasons. Throws
    /// <see cref="StoreNotEmptyException"/>, <see cref="BackupVersionNotSupportedException"/> or
    /// <see cref="BackupFolderException"/>.
    /// </summary>
    public RestoreResult Restore(IKeyValueStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        lock (_gate)
        {
            EnsureFolderWritable();
            using var folderLock = FolderLock.Acquire(Folder);
            var leftovers = CleanupLeftoversCore();
            EnsureEmpty(store);

            var quarantined = new List<QuarantinedBackup>();
            var problems = new List<string>();
            foreach (var generation in ListGenerations())
            {
                var started = _time.GetTimestamp();
                var replayed = RestoreApplier.Apply(generation.Path, store, _options, until: null, cancellationToken);
                var verification = replayed.Verdict;
                switch (verification.Problem)
                {
                    case BackupProblem.UnsupportedVersion:
                        throw new BackupVersionNotSupportedException(
                            generation.Path, verification.Header?.FormatVersion ?? ReadVersion(generation.Path), Format.BackupFormat.CurrentVersion);
                    case BackupProblem.Corrupt:
                        var q = Quarantine(verification);
                        quarantined.Add(q);
                        problems.Add($"{generation.Path}: {q.Reason}; moved to {q.QuarantinePath}");
                        continue;
                    case BackupProblem.Unreadable:
                        problems.Add($"{generation.Path}: cannot be read ({verification.Reason}); left in place");
                        continue;
                }

                var before = MarkRestored(generation.Path);
                return new RestoreResult
                {
                    Outcome = RestoreOutcome.Restored,
                    Generation = generation.Number,
                    Path = generation.Path,
                    Partitions = verification.Partitions,
                    Records = verification.Records,
                    RecordBytes = verification.RecordBytes,
                    FileBytes = verification.FileBytes,
                    Elapsed = _time.GetElapsedTime(started),
                    TimesRestoredBefore = before,
                    Warnings = before == 0 ? [] :
                    [
                        $"Backup generation {generation.Number} ('{generation.Path}') was already restored {before} time(s) and no newer backup " +
                        "was written since: messages delivered after that restore may be delivered again.",
                    ],
                    Quarantined = quarantined,
                    Problems = problems,
                    LeftoversDeleted = leftovers,
                    AppendPoint = Journal.BackupAppendPoint.From(verification),
                    DeltasApplied = replayed.DeltasApplied,
                    DroppedTailBytes = verification.DroppedTailBytes,
                };
            }

            if (problems.Count == 0)
            {
                problems.Add($"no backup in '{Folder}'");
            }

            return new RestoreResult
            {
                Outcome = RestoreOutcome.StartingEmpty,
                Quarantined = quarantined,
                Problems = problems,
                LeftoversDeleted = leftovers,
            };
        }
    }

    /// <summary>
    /// Restores one given file (say, one an operator dropped in, or a quarantined one after inspection) into an empty
    /// store, outside the generation bookkeeping: nothing is quarantined or marked. The file is checked as it is applied;
    /// a damaged one throws <see cref="BackupCorruptException"/> and leaves the store as empty as it was.
    /// </summary>
    public RestoreResult RestoreFile(string path, IKeyValueStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(store);
        EnsureEmpty(store);
        var started = _time.GetTimestamp();
        var verification = RestoreApplier.Apply(path, store, _options, cancellationToken);
        switch (verification.Problem)
        {
            case BackupProblem.UnsupportedVersion:
                throw new BackupVersionNotSupportedException(path, verification.Header?.FormatVersion ?? ReadVersion(path), Format.BackupFormat.CurrentVersion);
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
        };
    }

    /// <summary>Throws <see cref="StoreNotEmptyException"/> naming the first partition that holds an entry.</summary>
    private static void EnsureEmpty(IKeyValueStore store)
    {
        foreach (var name in store.ListPartitions())
        {
            using var cursor = store.GetPartition(name).OpenCursor();
            cursor.SeekToFirst();
            if (cursor.IsValid)
            {
                throw StoreNotEmptyException.ForPartition(name);
            }
        }
    }

    private static int ReadVersion(string path)
    {
        Span<byte> version = stackalloc byte[2];
        using var handle = File.OpenHandle(path);
        return RandomAccess.Read(handle, version, Format.BackupFormat.VersionFileOffset) == 2 ? version[0] | (version[1] << 8) : 0;
    }
}
