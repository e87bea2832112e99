using System.Globalization;
using System.Text;
using EdgeModule.Backup.Files;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Files;

/// <summary>
/// An exclusive lock on one of the module's folders for the whole life of the process: an flock on
/// <c>&lt;folder&gt;/edgemodule.lock</c> (opened without following links, 0600), which holds the owner's pid. A second
/// module pointed at the same folder fails to take it and exits with code 2 naming the folder and the holder; the
/// kernel drops the lock when the process dies, however it dies, so a killed module never leaves a folder locked. The
/// backup library's own <c>backup.lock</c> (per operation) is another file, so the module's backups never wait on
/// this lease.
/// </summary>
public sealed class FolderLease : IDisposable
{
    public const string FileName = "edgemodule.lock";

    private readonly SafeFileHandle _handle;

    private FolderLease(string folder, SafeFileHandle handle)
    {
        Folder = folder;
        _handle = handle;
    }

    public string Folder { get; }

    /// <summary>Takes the lease or throws <see cref="ModuleFolderException"/> naming the variable, the folder and the holder's pid.</summary>
    public static FolderLease Acquire(string variable, string folder)
    {
        var path = Path.Combine(folder, FileName);
        SafeFileHandle handle;
        try
        {
            handle = SafeFile.OpenOrCreate(path);
        }
        catch (IOException ex)
        {
            throw new ModuleFolderException($"Invalid setting {variable}='{folder}': its lock file cannot be used ({ex.Message}).", ex);
        }

        try
        {
            if (!SafeFile.TryLockExclusive(handle))
            {
                var holder = ReadPid(handle);
                throw new ModuleFolderException(
                    $"{variable}='{folder}' is in use by another module process (pid {holder}, per {path}); two modules must not share a folder: "
                    + "give each its own, or stop the other one first.");
            }

            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            RandomAccess.SetLength(handle, 0);
            RandomAccess.Write(handle, pid, 0);
            return new FolderLease(folder, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => _handle.Dispose();

    private static string ReadPid(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[32];
        var read = RandomAccess.Read(handle, buffer, 0);
        var text = Encoding.ASCII.GetString(buffer[..read]).Trim();
        return text.Length == 0 ? "unknown" : text;
    }
}
