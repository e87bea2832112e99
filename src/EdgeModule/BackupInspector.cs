using System.Globalization;
using EdgeModule.Backup;
using EdgeModule.Backup.Files;

namespace EdgeModule;

/// <summary>
/// <c>EdgeModule verify &lt;file-or-folder&gt;...</c>: checks backups offline, read-only, and says exactly what each holds
/// or where it breaks. A folder means every <c>*.ebk</c> in it and in its <c>quarantine/</c>, newest generation first
/// (by number, whatever the width of the name), with the reasons quarantined files were set aside. Nothing is
/// followed or blocked on: a link or FIFO named like a backup is reported as not a regular file. Exit code 0 when
/// every file is sound, 1 otherwise (or when there is none), 2 for bad arguments.
/// </summary>
public static class BackupInspector
{
    public static int Run(IReadOnlyList<string> paths, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        if (paths.Count == 0)
        {
            output.WriteLine("usage: EdgeModule verify <backup file or BackupFolder>...");
            return 2;
        }

        var allSound = true;
        foreach (var path in paths)
        {
            IEnumerable<string> files;
            if (SafeFile.GetKind(path) == FileKind.Directory || (SafeFile.GetKind(path) == FileKind.SymbolicLink && Directory.Exists(path)))
            {
                var quarantine = Path.Combine(path, "quarantine");
                files = Directory.EnumerateFileSystemEntries(path, "*.ebk")
                    .Concat(SafeFile.GetKind(quarantine) == FileKind.Directory ? Directory.EnumerateFileSystemEntries(quarantine, "*.ebk") : [])
                    .Where(f => SafeFile.GetKind(f) != FileKind.Directory)
                    .OrderByDescending(f => Path.GetFileName(f), NewestFirst.Instance);
            }
            else if (SafeFile.GetKind(path) != FileKind.Missing)
            {
                files = [path];
            }
            else
            {
                output.WriteLine($"{path}: no such file or folder");
                allSound = false;
                continue;
            }

            var any = false;
            foreach (var file in files)
            {
                any = true;
                allSound &= Describe(file, output);
            }

            if (!any)
            {
                output.WriteLine($"{path}: no backup files (*.ebk) here");
                allSound = false;
            }
        }

        return allSound ? 0 : 1;
    }

    private static bool Describe(string file, TextWriter output)
    {
        var v = BackupVerifier.Verify(file);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(file);
        if (v.Header is { } h)
        {
            output.WriteLine(string.Create(inv, $"  format v{h.FormatVersion}, generation {h.Generation}, created {h.CreatedAt:yyyy-MM-dd HH:mm:ss.fff zzz}, from {h.BackendName} store {h.SourceIdentity}, sequence {h.Sequence}"));
        }

        if (SafeFile.GetKind(file + ".restored") != FileKind.Missing)
        {
            output.WriteLine("  restored before (marked .restored): restoring it again may deliver messages twice");
        }

        if (ReadSide(file + ".reason.txt") is { } reason)
        {
            output.WriteLine("  quarantined: " + reason.Trim().ReplaceLineEndings(" "));
        }

        switch (v.Problem)
        {
            case BackupProblem.None:
                output.WriteLine(string.Create(inv, $"  {v.Partitions} partitions, {v.Records} records, {v.RecordBytes} bytes of keys and values, file {v.FileBytes} bytes, {v.Segments} committed segment(s)"));
                if (v.Deltas > 0)
                {
                    output.WriteLine(string.Create(inv, $"  base {v.BaseBytes} bytes, {v.Deltas} delta(s)"));
                }

                if (v.DamagedBeforeTail)
                {
                    // Later segments are intact: a segment made durable was damaged afterwards, not an append cut short.
                    output.WriteLine(string.Create(inv, $"  DAMAGED DELTAS: {v.DroppedTailBytes} bytes after the last sound commit at offset {v.SoundBytes} ({v.Reason}), {v.CommitsAfterDamage} later delta(s) intact after the damage; a restore stops before it and loses them"));
                }
                else if (v.DroppedTailBytes > 0)
                {
                    // A journal append cut short: not damage, what the journal had made durable ends at the last commit.
                    output.WriteLine(string.Create(inv, $"  torn tail: {v.DroppedTailBytes} bytes after the last commit at offset {v.SoundBytes} ({v.Reason}); a restore drops them"));
                }

                output.WriteLine("  SOUND");
                return true;
            case BackupProblem.Corrupt:
                // Records are counted as read, whether or not a commit frame vouched for them yet: an operator wants to
                // know how far the file is intact, even if a restore uses nothing of a damaged file.
                output.WriteLine(string.Create(inv, $"  CORRUPT: first bad frame at offset {v.FirstBadOffset} of {v.FileBytes} bytes: {v.Reason}"));
                output.WriteLine(string.Create(inv, $"  read sound before it: {v.FramesRead} frames, {v.PartitionsRead} partitions, {v.RecordsRead} records, {v.RecordBytesRead} bytes of keys and values (the first {v.BytesRead} bytes of the file)"));
                output.WriteLine(v.Segments == 0
                    ? "  no segment was committed before it: a restore uses nothing of this file (it is quarantined)"
                    : string.Create(inv, $"  committed before it: {v.Segments} segment(s), {v.Partitions} partitions, {v.Records} records, the first {v.SoundBytes} bytes; a restore still uses nothing of a damaged file (it is quarantined)"));
                return false;
            case BackupProblem.UnsupportedVersion:
                output.WriteLine($"  NEWER FORMAT: {v.Reason}");
                return false;
            default:
                output.WriteLine($"  UNREADABLE: {v.Reason}");
                return false;
        }
    }

    /// <summary>A side file's text (a quarantine reason), read without following a link or blocking on a FIFO.</summary>
    private static string? ReadSide(string path)
    {
        try
        {
            return SafeFile.GetKind(path) == FileKind.Missing ? null : SafeFile.ReadText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(the reason file cannot be read: {ex.Message})";
        }
    }

    /// <summary>Orders <c>backup-N.ebk</c> names by N as a number of any width; other names after them, by name.</summary>
    private sealed class NewestFirst : IComparer<string>
    {
        public static readonly NewestFirst Instance = new();

        public int Compare(string? x, string? y)
        {
            var (a, b) = (Number(x), Number(y));
            if (a is null || b is null)
            {
                return a is null && b is null ? string.CompareOrdinal(x, y) : a is null ? -1 : 1;
            }

            var byWidth = a.Length.CompareTo(b.Length);
            return byWidth != 0 ? byWidth : string.CompareOrdinal(a, b) is var byDigits and not 0 ? byDigits : string.CompareOrdinal(x, y);
        }

        /// <summary>The digits of N without leading zeros, or null for a name that is not <c>backup-N.ebk</c>.</summary>
        private static string? Number(string? name)
        {
            if (name is null || !name.StartsWith("backup-", StringComparison.Ordinal) || !name.EndsWith(".ebk", StringComparison.Ordinal))
            {
                return null;
            }

            var digits = name["backup-".Length..^".ebk".Length];
            return digits.Length > 0 && digits.All(char.IsAsciiDigit) ? digits.TrimStart('0') : null;
        }
    }
}
