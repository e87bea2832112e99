using System.Globalization;
using System.Text;
using EdgeModule.Backup.Internal;

namespace EdgeModule.Backup;

/// <summary>Generations on disk: numbering, listing, pruning, quarantine, restore markers and leftover temp files.</summary>
public sealed partial class BackupManager
{
    /// <summary>The complete generations in the folder, newest first.</summary>
    public IReadOnlyList<BackupGeneration> ListGenerations()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var list = new List<BackupGeneration>();
        foreach (var path in Directory.EnumerateFiles(Folder))
        {
            if (GenerationFiles.ParseGeneration(Path.GetFileName(path)) is { } number)
            {
                var info = new FileInfo(path);
                list.Add(new BackupGeneration(number, path, info.Exists ? info.Length : 0, ReadTimesRestored(path)));
            }
        }

        list.Sort((a, b) => b.Number.CompareTo(a.Number));
        return list;
    }

    /// <summary>
    /// Deletes temp files a killed writer left (<c>backup-N.ebk.tmp</c>, the write probe). They are never complete: a
    /// writer renames only after flushing. Returns the paths deleted. <see cref="Restore"/> calls this first.
    /// </summary>
    public IReadOnlyList<string> CleanupLeftovers()
    {
        lock (_gate)
        {
            if (!Directory.Exists(Folder))
            {
                return [];
            }

            using var folderLock = FolderLock.Acquire(Folder);
            return CleanupLeftoversCore();
        }
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
            if (GenerationFiles.IsLeftoverTemp(Path.GetFileName(path)))
            {
                File.Delete(path);
                deleted.Add(path);
            }
        }

        return deleted;
    }

    /// <summary>One more than any generation number seen in the folder or its quarantine, so a number is never reused.</summary>
    private long NextGeneration()
    {
        long highest = 0;
        foreach (var folder in new[] { Folder, QuarantineFolder })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(folder))
            {
                if (GenerationFiles.ParseAnyGeneration(Path.GetFileName(path)) is { } n && n > highest)
                {
                    highest = n;
                }
            }
        }

        return highest + 1;
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

    /// <summary>Moves a generation that failed verification into quarantine/ and writes the reason beside it.</summary>
    private QuarantinedBackup Quarantine(BackupVerification verification)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(QuarantineFolder);
        }
        else
        {
            Directory.CreateDirectory(QuarantineFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var name = Path.GetFileName(verification.Path);
        var target = Path.Combine(QuarantineFolder, name);
        if (File.Exists(target))
        {
            target += string.Create(CultureInfo.InvariantCulture, $".{_time.GetUtcNow():yyyyMMdd'T'HHmmssfff}");
        }

        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"{verification.Reason} (first bad frame at offset {verification.FirstBadOffset}; {verification.SoundBytes} of {verification.FileBytes} bytes sound)");
        Fault(BackupFaultPoint.Quarantine);
        File.Move(verification.Path, target, overwrite: false);
        var marker = verification.Path + GenerationFiles.RestoredSuffix;
        if (File.Exists(marker))
        {
            File.Move(marker, target + GenerationFiles.RestoredSuffix, overwrite: true);
        }

        Fault(BackupFaultPoint.QuarantineReason);
        var reasonPath = target + GenerationFiles.ReasonSuffix;
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"file: {verification.Path}\n")
            .Append(CultureInfo.InvariantCulture, $"quarantined at: {_time.GetUtcNow():O}\n")
            .Append(CultureInfo.InvariantCulture, $"reason: {reason}\n")
            .ToString();
        WriteDurably(reasonPath, text, FileMode.Create);
        DirectorySync.Flush(QuarantineFolder);
        DirectorySync.Flush(Folder);
        return new QuarantinedBackup(verification.Path, target, reasonPath, reason);
    }

    /// <summary>Appends a line to the generation's restore marker and returns how many restores it recorded before.</summary>
    private int MarkRestored(string generationPath)
    {
        Fault(BackupFaultPoint.MarkRestored);
        var marker = generationPath + GenerationFiles.RestoredSuffix;
        var before = ReadTimesRestored(generationPath);
        WriteDurably(marker, string.Create(CultureInfo.InvariantCulture, $"restored at {_time.GetUtcNow():O}\n"), FileMode.Append);
        return before;
    }

    private static int ReadTimesRestored(string generationPath)
    {
        var marker = generationPath + GenerationFiles.RestoredSuffix;
        try
        {
            return File.Exists(marker) ? File.ReadAllLines(marker).Count(l => l.Length > 0) : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static void WriteDurably(string path, string text, FileMode mode)
    {
        using var file = CreatePrivateFile(path, mode);
        file.Write(Encoding.UTF8.GetBytes(text));
        file.Flush(flushToDisk: true);
    }
}
