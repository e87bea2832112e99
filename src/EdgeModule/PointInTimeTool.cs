using System.Globalization;
using EdgeModule.Backup;
using EdgeModule.Backup.Journal;
using EdgeModule.Storage.InMemory;

namespace EdgeModule;

/// <summary>
/// <c>EdgeModule restore &lt;backup.ebk&gt; --until &lt;time|seq:N&gt; --to &lt;folder&gt;</c>: offline, the state a journaled
/// backup held at a point in time — its base and every delta written at or before the time (an ISO 8601 time, UTC
/// unless it says otherwise) or up to the store sequence — written as a new full generation into another folder. The
/// source file is only read. To use it, stop the module and put the new file into its BackupFolder as the newest
/// generation (or keep it as evidence). Exit code 0 when written, 1 when the file cannot be restored, 2 for bad
/// arguments.
/// </summary>
public static class PointInTimeTool
{
    public const string Usage = "usage: EdgeModule restore <backup.ebk> --until <ISO 8601 time | seq:N> --to <folder>";

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args is not [var source, "--until", var until, "--to", var folder] || ParsePoint(until) is not { } point)
        {
            output.WriteLine(Usage);
            return 2;
        }

        if (Path.GetFullPath(folder) == Path.GetDirectoryName(Path.GetFullPath(source)))
        {
            output.WriteLine("--to must be another folder than the source's: the tool never writes beside the file it reads.");
            return 2;
        }

        try
        {
            using var store = new InMemoryStore();
            var restored = new BackupManager(new BackupOptions { Folder = Path.GetDirectoryName(Path.GetFullPath(source))! })
                .RestoreFileUpTo(source, store, point);
            Directory.CreateDirectory(folder);
            var written = new BackupManager(new BackupOptions { Folder = folder }).Backup(store);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{source}: restored the base and {restored.DeltasApplied} deltas up to {until} ({restored.Records} records, {restored.Partitions} partitions)"));
            output.WriteLine($"written as {written.Path} ({written.FileBytes} bytes, {written.Records} records)");
            return 0;
        }
        catch (Exception ex) when (ex is BackupException or IOException or UnauthorizedAccessException)
        {
            output.WriteLine($"{source}: cannot be restored: {ex.Message}");
            return 1;
        }
    }

    private static RestorePoint? ParsePoint(string text)
    {
        if (text.StartsWith("seq:", StringComparison.Ordinal))
        {
            return long.TryParse(text.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? new RestorePoint(Sequence: sequence) : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? new RestorePoint(Time: time) : null;
    }
}
