using System.Runtime.CompilerServices;
using EdgeModule.Backup.Internal;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>
/// Another process holding the backup folder: the test assembly started again with <see cref="FolderVariable"/> set.
/// It starts a backup, prints <c>HOLDING</c> once it holds the folder's lock (at the temp file's creation), and
/// finishes the backup when a line arrives on its standard input.
/// </summary>
internal static class LockChild
{
    public const string FolderVariable = "EDGEMODULE_BACKUP_LOCK_CHILD_FOLDER";

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
            using var store = new InMemoryStore();
            store.GetOrCreatePartition("p").Put([1], [2]);
            new BackupManager(new BackupOptions
            {
                Folder = folder,
                FaultHook = point =>
                {
                    if (point == BackupFaultPoint.CreateTemp)
                    {
                        Console.WriteLine("HOLDING");
                        Console.ReadLine();
                    }
                },
            }).Backup(store);
            Environment.Exit(0);
        }
        catch (Exception ex)
        {
            Console.WriteLine($"ERROR {ex}");
            Environment.Exit(3);
        }
    }
}
