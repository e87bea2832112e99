using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Journal;

/// <summary>
/// fdatasync(2): makes a file's data durable, and of its metadata only what reading the data back needs (the size of
/// an appended file), skipping timestamps. Where it is missing (not Linux), the full flush.
/// </summary>
internal static partial class FileSync
{
    public static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (FDataSync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).", Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // int fdatasync(int fd): 0, or -1 with errno.
    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(int fd);
}
