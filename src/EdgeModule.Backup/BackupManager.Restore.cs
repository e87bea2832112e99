using System.Globalization;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Restoring;
using EdgeModule.Storage;

namespace EdgeModule.Backup;

/// <summary>
/// Restore, in this order: delete leftover temp files; refuse a store that holds data; then, newest generation first,
/// read the file once, checking every frame and applying its records in batches as it goes. Only a file that checks
/// out to its end counts as restored: when one turns out damaged, what it put into the store is removed again before
/// anything else happens, the file is quarantined and the next older one tried. A newer format version stops the
/// restore with <see cref="BackupVersionNotSupportedException"/>: falling back to an older generation would lose what
/// the newer build stored, so nothing older is tried and the file is left as it is for that build.
/// </summary>
/// <remarks>
/// Restore changes no generation it restored. The host first checks what it got (say, the message store's layout
/// version) and only then calls <see cref="MarkRestored"/>; a host that rejects the content empties the store and
/// leaves the folder exactly as it found it, so the next start (perhaps of a newer build) sees the same backups.
/// The restored generation stays on disk until a newer backup supersedes it.
/// </remarks>
public sealed partial class BackupManager
{
    /// <summary>
    /// Restores the newest sound generation into <paramref name="store"/>, which must be empty. With no sound generation
    /// the result is <see cref="RestoreOutcome.StartingEmpty"/> with the reasons. The generation is not marked restored:
    /// call <see cref="MarkRestored"/> once the content was accepted. Throws <see cref="StoreNotEmptyException"/>,
    /// <see cref="BackupVersionNotSupportedException"/> (a newer generation, left in place; the store is empty again)
    /// or <see cref="BackupFolderException"/>.
    /// </summary>
    /// <remarks>
    /// Entries named like a generation that are not regular files (a symbolic link, a FIFO) are not opened, not
    /// followed and not moved: each is named in <see cref="RestoreResult.Problems"/> and left for the operator.
    /// </remarks>
    public RestoreResult Restore(IKeyValueStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        EnsureFolderWritable();
        using var folderLock = FolderLock.Acquire(Folder, _time, cancellationToken: cancellationToken);
        var leftovers = CleanupLeftoversCore();
        EnsureEmpty(store);

        var quarantined = new List<QuarantinedBackup>();
        var problems = new List<string>();
        foreach (var irregular in ListIrregularGenerations())
        {
            problems.Add($"{irregular.Path}: {NotRegularFileException.Describe(SafeFile.GetKind(irregular.Path))}, not a regular file; not opened, left in place");
        }

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
                    try
                    {
                        var q = Quarantine(verification);
                        quarantined.Add(q);
                        problems.Add($"{generation.Path}: {q.Reason}; moved to {q.QuarantinePath}");
                    }
                    catch (BackupFolderException ex)
                    {
                        problems.Add($"{generation.Path}: {verification.Reason}; not quarantined ({ex.Message}); left in place");
                    }

                    continue;
                case BackupProblem.Unreadable:
                    problems.Add($"{generation.Path}: cannot be read ({verification.Reason}); left in place");
                    continue;
            }

            var before = generation.TimesRestored;
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
                CommitsAfterDamage = verification.CommitsAfterDamage,
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

    /// <summary>
    /// Records that the generation <paramref name="restored"/> (a result of <see cref="Restore"/>) was restored and its
    /// content accepted: appends a line to <c>backup-N.ebk.restored</c> (created 0600; a link or FIFO planted under
    /// that name is unlinked, never followed) and flushes it. A later <see cref="Restore"/> of the same generation
    /// reports it in <see cref="RestoreResult.TimesRestoredBefore"/>: messages delivered since may come again.
    /// Call it only after the host accepted what was restored; a generation it could not use (an unknown layout)
    /// must stay unmarked. Returns how many restores the marker recorded before this one.
    /// </summary>
    /// <exception cref="ArgumentException">The result restored nothing, or not a generation of this folder (say, one of <see cref="RestoreFile"/>).</exception>
    /// <exception cref="BackupException">The generation is no longer there.</exception>
    public int MarkRestored(RestoreResult restored)
    {
        ArgumentNullException.ThrowIfNull(restored);
        if (restored.Outcome != RestoreOutcome.Restored || restored.Path is not { } path
            || Path.GetDirectoryName(Path.GetFullPath(path)) != Folder
            || GenerationFiles.ParseGeneration(Path.GetFileName(path)) is not { } number || number != restored.Generation)
        {
            throw new ArgumentException(
                $"Only a generation of '{Folder}' that Restore restored can be marked restored (got {restored.Outcome}, '{restored.Path}').", nameof(restored));
        }

        using var folderLock = FolderLock.Acquire(Folder, _time);
        if (SafeFile.GetKind(path) != FileKind.Regular)
        {
            throw new BackupException($"The backup '{path}' cannot be marked restored: it is no longer there.");
        }

        Fault(BackupFaultPoint.MarkRestored);
        var before = ReadTimesRestored(path);
        AppendDurably(path + GenerationFiles.RestoredSuffix, string.Create(CultureInfo.InvariantCulture, $"restored at {_time.GetUtcNow():O}\n"));
        DirectorySync.Flush(Folder);
        return before;
    }

    /// <summary>
    /// Restores one given file (say, one an operator dropped in, or a quarantined one after inspection) into an empty
    /// store, outside the generation bookkeeping: nothing is quarantined or marked. The file is checked as it is applied;
    /// a damaged one throws <see cref="BackupCorruptException"/> and leaves the store as empty as it was.
    /// </summary>
    public RestoreResult RestoreFile(string path, IKeyValueStore store, CancellationToken cancellationToken = default) =>
        RestoreFileUpTo(path, store, new Journal.RestorePoint(), cancellationToken);

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
        using var handle = SafeFile.OpenRead(path);
        return RandomAccess.Read(handle, version, Format.BackupFormat.VersionFileOffset) == 2 ? version[0] | (version[1] << 8) : 0;
    }
}
