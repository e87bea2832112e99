using System.Globalization;
using EdgeModule.Backup;

namespace EdgeModule;

/// <summary>
/// <c>EdgeModule verify &lt;file-or-folder&gt;...</c>: checks backups offline, read-only, and says exactly what each holds
/// or where it breaks. A folder means every <c>*.ebk</c> in it and in its <c>quarantine/</c>, newest first, with the
/// reasons quarantined files were set aside. Exit code 0 when every file is sound, 1 otherwise (or when there is none), 2 for bad arguments.
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
            if (Directory.Exists(path))
            {
                var quarantine = Path.Combine(path, "quarantine");
                files = Directory.EnumerateFiles(path, "*.ebk")
                    .Concat(Directory.Exists(quarantine) ? Directory.EnumerateFiles(quarantine, "*.ebk") : [])
                    .OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal);
            }
            else if (File.Exists(path))
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

        output.WriteLine(string.Create(inv, $"  {v.Partitions} partitions, {v.Records} records, {v.RecordBytes} bytes of keys and values, file {v.FileBytes} bytes, {v.Segments} committed segment(s)"));
        if (File.Exists(file + ".restored"))
        {
            output.WriteLine("  restored before (marked .restored): restoring it again may deliver messages twice");
        }

        if (File.Exists(file + ".reason.txt"))
        {
            output.WriteLine("  quarantined: " + File.ReadAllText(file + ".reason.txt").Trim().ReplaceLineEndings(" "));
        }

        if (v.Sound)
        {
            output.WriteLine("  SOUND");
            return true;
        }

        output.WriteLine(string.Create(inv, $"  {v.Problem.ToString().ToUpperInvariant()} at offset {v.FirstBadOffset?.ToString(inv) ?? "?"}: {v.Reason}; the first {v.SoundBytes} bytes are sound"));
        return false;
    }
}
