using System.Globalization;
using System.Text;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Internal;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup;

/// <summary>Generations on disk: numbering, listing, pruning, quarantine, restore markers and leftover temp files.</summary>
public sealed partial class BackupManager
{
    /// <summary>
    /// The complete generations in the folder, newest first (by number: names grow wider past 12 digits). Only regular
    /// files count: a symbolic link or a FIFO under a generation's name is not a generation (restore names it as a
    /// problem and leaves it alone; it never takes a generation's place when old ones are pruned).
    /// </summary>
    public IReadOnlyList<BackupGeneration> ListGenerations() => ListGenerationNames(regular: true);

    /// <summary>Entries named like a generation that are not regular files (links, FIFOs, folders), newest first.</summary>
    private IReadOnlyList<BackupGeneration> ListIrregularGenerations() => ListGenerationNames(regular: false);

    private List<BackupGeneration> ListGenerationNames(bool regular)
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var list = new List<BackupGeneration>();
        foreach (var path in Directory.EnumerateFileSystemEntries(Folder))
        {
            if (GenerationFiles.ParseGeneration(Path.GetFileName(path)) is { } number
                && (SafeFile.GetKind(path) == FileKind.Regular) == regular)
            {
                var bytes = regular && new FileInfo(path) is { Exists: true } info ? info.Length : 0;
                list.Add(new BackupGeneration(number, path, bytes, regular ? ReadTimesRestored(path) : 0));
            }
        }

        list.Sort((a, b) => b.Number.CompareTo(a.Number));
        return list;
    }

    /// <summary>
    /// Deletes generation <paramref name="number"/> (and its restore marker) on request, under the folder's lock, so
    /// no backup, compaction or restore of this process or another is using the folder meanwhile; the folder is flushed
    /// after. <paramref name="refuse"/> sees the generations as they are under the lock (newest first) and the one
    /// asked for, and returns why it must stay, or null. Returns the generation deleted, or null when there is none of
    /// that number; throws <see cref="InvalidOperationException"/> with the reason when it is refused, and
    /// <see cref="BackupDeadlineExceededException"/> when another operation holds the folder past <paramref name="deadline"/>.
    /// </summary>
    public BackupGeneration? DeleteGeneration(
        long number,
        Func<IReadOnlyList<BackupGeneration>, BackupGeneration, string?> refuse,
        DateTimeOffset? deadline = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refuse);
        if (!Directory.Exists(Folder))
        {
            return null;
        }

        using var folderLock = FolderLock.Acquire(Folder, _time, deadline, cancellationToken);
        var generations = ListGenerations();
        if (generations.FirstOrDefault(g => g.Number == number) is not { } generation)
        {
            return null;
        }

        if (refuse(generations, generation) is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        File.Delete(generation.Path);
        TryDelete(generation.Path + GenerationFiles.RestoredSuffix);
        DirectorySync.Flush(Folder);
        return generation;
    }

    /// <summary>
    /// Deletes temp files a killed writer left (<c>backup-N.ebk.tmp</c>, the write probe). They are never complete: a
    /// writer renames only after flushing. Returns the paths deleted. <see cref="Restore"/> calls this first.
    /// </summary>
    public IReadOnlyList<string> CleanupLeftovers()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        using var folderLock = FolderLock.Acquire(Folder, _time);
        return CleanupLeftoversCore();
    }

    private List<string> CleanupLeftoversCore()
    {
        var deleted = new List<string>();
        if (!Directory.Exists(Folder))
        {
            return deleted;
        }

        foreach (var path in Directory.EnumerateFiles(Folder))
        {
            // unlink(2): a link under a temp name goes, not what it points to; a FIFO is removed without being opened.
            if (GenerationFiles.IsLeftoverTemp(Path.GetFileName(path)))
            {
                File.Delete(path);
                deleted.Add(path);
            }
        }

        return deleted;
    }

    /// <summary>
    /// One more than any generation number seen in the folder or its quarantine (in any of our names, whatever the
    /// entry is), so a number is never reused. The number never wraps: past <see cref="long.MaxValue"/> backups fail.
    /// </summary>
    private long NextGeneration()
    {
        long highest = 0;
        foreach (var folder in new[] { Folder, QuarantineFolder })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFileSystemEntries(folder))
            {
                if (GenerationFiles.ParseAnyGeneration(Path.GetFileName(path)) is { } n && n > highest)
                {
                    highest = n;
                }
            }
        }

        return highest < long.MaxValue
            ? highest + 1
            : throw new BackupException($"The backup folder '{Folder}' holds generation {highest}, the largest number there is; move the backups elsewhere.");
    }

    /// <summary>
    /// Deletes the generations beyond the newest <see cref="BackupOptions.KeepGenerations"/>. Called only right after
    /// a new generation became durable, which also supersedes any generation that was restored: the restored state
    /// is now protected by the newer backup, so a restored generation needs no special keeping past this point.
    /// </summary>
    private List<string> PruneOldGenerations()
    {
        var deleted = new List<string>();
        foreach (var old in ListGenerations().Skip(_options.KeepGenerations))
        {
            Fault(BackupFaultPoint.DeleteOld);
            File.Delete(old.Path);
            TryDelete(old.Path + GenerationFiles.RestoredSuffix);
            deleted.Add(old.Path);
        }

        return deleted;
    }

    /// <summary>
    /// Moves a generation that failed verification into quarantine/ and writes the reason beside it. quarantine/ is
    /// created 0700; when something other than a folder has its name (a planted link), nothing is moved and
    /// <see cref="BackupFolderException"/> is thrown (restore then leaves the file in place and says why).
    /// </summary>
    private QuarantinedBackup Quarantine(BackupVerification verification)
    {
        if (SafeFile.GetKind(QuarantineFolder) is not (FileKind.Missing or FileKind.Directory) and var kind)
        {
            throw new BackupFolderException(
                QuarantineFolder, $"'{QuarantineFolder}' is {NotRegularFileException.Describe(kind)}, not a folder: nothing can be quarantined there. Remove it.");
        }

        SafeFile.CreatePrivateFolder(QuarantineFolder);
        var name = Path.GetFileName(verification.Path);
        var target = Path.Combine(QuarantineFolder, name);
        for (var n = 0; SafeFile.GetKind(target) != FileKind.Missing; n++)
        {
            target = Path.Combine(QuarantineFolder, name) + string.Create(
                CultureInfo.InvariantCulture, $".{_time.GetUtcNow():yyyyMMdd'T'HHmmssfff}{(n == 0 ? "" : $"-{n}")}");
        }

        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"{verification.Reason} (first bad frame at offset {verification.FirstBadOffset}; {verification.SoundBytes} of {verification.FileBytes} bytes sound)");
        Fault(BackupFaultPoint.Quarantine);

        // rename(2) moves the name itself: nothing is followed at either end.
        File.Move(verification.Path, target, overwrite: false);
        var marker = verification.Path + GenerationFiles.RestoredSuffix;
        switch (SafeFile.GetKind(marker))
        {
            case FileKind.Regular:
                File.Move(marker, target + GenerationFiles.RestoredSuffix, overwrite: true);
                break;
            case FileKind.Missing:
                break;
            default:
                File.Delete(marker); // something planted under our name: the name goes, not what it points to
                break;
        }

        Fault(BackupFaultPoint.QuarantineReason);
        var reasonPath = target + GenerationFiles.ReasonSuffix;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"file: {verification.Path}\n")
            .Append(CultureInfo.InvariantCulture, $"quarantined at: {_time.GetUtcNow():O}\n")
            .Append(CultureInfo.InvariantCulture, $"reason: {reason}\n")
            .ToString();
        WriteNew(reasonPath, text);
        DirectorySync.Flush(QuarantineFolder);
        DirectorySync.Flush(Folder);
        return new QuarantinedBackup(verification.Path, target, reasonPath, reason);
    }

    private static int ReadTimesRestored(string generationPath)
    {
        var marker = generationPath + GenerationFiles.RestoredSuffix;
        try
        {
            return SafeFile.GetKind(marker) == FileKind.Missing
                ? 0
                : SafeFile.ReadText(marker, 1 << 20).Split('\n').Count(l => l.Length > 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0; // a link or FIFO under the marker's name is not read (MarkRestored replaces it)
        }
    }

    /// <summary>Creates <paramref name="path"/> exclusively and writes it durably; whatever had the name before is unlinked, never followed.</summary>
    private static void WriteNew(string path, string text)
    {
        if (SafeFile.GetKind(path) != FileKind.Missing)
        {
            File.Delete(path);
        }

        using var file = SafeFile.CreateNew(path);
        RandomAccess.Write(file, Encoding.UTF8.GetBytes(text), 0);
        RandomAccess.FlushToDisk(file);
    }

    /// <summary>Appends a line to a regular file (created 0600 when missing) and flushes it; a link or FIFO under the name is unlinked first.</summary>
    private static void AppendDurably(string path, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        SafeFileHandle file;
        try
        {
            file = SafeFile.OpenOrCreate(path, append: true);
        }
        catch (NotRegularFileException)
        {
            File.Delete(path);
            file = SafeFile.OpenOrCreate(path, append: true);
        }

        using (file)
        {
            RandomAccess.Write(file, bytes, RandomAccess.GetLength(file));
            RandomAccess.FlushToDisk(file);
        }
    }
}
