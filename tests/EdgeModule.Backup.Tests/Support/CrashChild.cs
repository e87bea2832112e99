using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>
/// The child side of the SIGKILL test. The test assembly is started again as a process with
/// <see cref="FolderVariable"/> set; this module initializer runs before xunit's entry point and never returns to it.
/// The child restores the folder (as the module does at start), then backs up again and again, printing a line at
/// every fault point so the parent can kill it at a chosen step:
/// <c>RESTORED &lt;outcome&gt; &lt;iteration&gt;</c>, <c>FP &lt;point&gt;</c>, <c>DONE &lt;iteration&gt;</c>.
/// </summary>
internal static class CrashChild
{
    public const string FolderVariable = "EDGEMODULE_BACKUP_CRASH_CHILD_FOLDER";

    public static readonly byte[] IterationKey = "iteration"u8.ToArray();

#pragma warning disable CA2255 // A module initializer is the only hook before the generated test entry point.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunIfChild()
    {
        var folder = Environment.GetEnvironmentVariable(FolderVariable);
        if (folder is null)
        {
            return;
        }

        try
        {
            Run(folder);
            Environment.Exit(0);
        }
        catch (Exception ex)
        {
            Console.WriteLine($"ERROR {ex}");
            Environment.Exit(3);
        }
    }

    private static void Run(string folder)
    {
        using var store = new InMemoryStore();
        var manager = new BackupManager(new BackupOptions
        {
            Folder = folder,
            WriteBufferBytes = 64 << 10,
            FaultHook = point => Console.WriteLine($"FP {point}"),
        });
        var restored = manager.Restore(store);
        long iteration = 0;
        if (restored.Outcome == RestoreOutcome.StartingEmpty)
        {
            StoreContent.FillBulk(store, partitions: 3, records: 600, valueBytes: 1000);
        }
        else
        {
            iteration = BitConverter.ToInt64(store.GetPartition("meta").Get(IterationKey));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESTORED {restored.Outcome} {iteration} {restored.Quarantined.Count}"));
        var meta = store.GetOrCreatePartition("meta");
        while (true)
        {
            iteration++;
            meta.Put(IterationKey, BitConverter.GetBytes(iteration));
            manager.Backup(store);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {iteration}"));
        }
    }
}
