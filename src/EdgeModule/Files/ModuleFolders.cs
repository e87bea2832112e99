using EdgeModule.Backup.Files;

namespace EdgeModule.Files;

/// <summary>
/// The folders the module keeps files in, prepared before anything in them is read: each is created (0700) when
/// missing, leased for the life of the process (<see cref="FolderLease"/>: one module per folder) and proven
/// writable with a probe file of an unpredictable name created exclusively, never through a link. A folder that
/// cannot be used stops the module with exit code 2 and one line naming the variable (Program.cs).
/// </summary>
public sealed class ModuleFolders(ModuleOptions options) : IDisposable
{
    private readonly List<FolderLease> _leases = [];

    /// <summary>StorageFolder when RocksDB is used; BackupFolder when backup is on, or when a switch from memory may read it.</summary>
    public IReadOnlyList<(string Variable, string Path)> Needed()
    {
        var needed = new List<(string, string)>();
        if (options.Storage.UsePersistentStorage)
        {
            needed.Add(("StorageFolder", options.Storage.StorageFolder));
            if (Directory.Exists(options.Backup.Folder))
            {
                needed.Add(("BackupFolder", options.Backup.Folder));
            }
        }
        else if (options.Backup.Enabled)
        {
            needed.Add(("BackupFolder", options.Backup.Folder));
        }

        return needed;
    }

    public void Acquire()
    {
        foreach (var (variable, path) in Needed())
        {
            Prepare(variable, path);
            _leases.Add(FolderLease.Acquire(variable, path));
        }
    }

    public void Dispose()
    {
        foreach (var lease in _leases)
        {
            lease.Dispose();
        }

        _leases.Clear();
    }

    private static void Prepare(string variable, string path)
    {
        try
        {
            SafeFile.CreatePrivateFolder(path);
            string probe;
            using (var handle = SafeFile.CreateUnique(path, ".write-probe-", string.Empty, out probe))
            {
                RandomAccess.Write(handle, [1], 0);
            }

            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModuleFolderException($"Invalid setting {variable}='{path}': the folder cannot be created or written ({e.Message}).", e);
        }
    }
}
