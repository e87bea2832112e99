using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// Starts writing a file's pages to disk while the file is still being written (Linux <c>sync_file_range</c>), and
/// keeps at most <see cref="Window"/> bytes of it waiting for the disk. Without this the kernel holds the whole backup
/// in dirty pages until the final fsync, which then writes a gigabyte at once: time added to the end of every backup,
/// and a burst that stalls every other writer of the disk (a RocksDB write-ahead log, say) while it lasts.
/// </summary>
/// <remarks>
/// Only a hint for when to write, never a replacement for the fsync that makes the file durable. Where the call is
/// missing or refused (another OS, a file system without it), the first failure turns it off.
/// </remarks>
internal sealed partial class WriteBehind(SafeFileHandle handle)
{
    /// <summary>Bytes written but not yet known to be on disk, at most; beyond it the writer waits for the disk.</summary>
    public const long Window = 32L << 20;

    // sync_file_range(2) flags.
    private const uint WaitBefore = 1;
    private const uint Write = 2;
    private const uint WaitAfter = 4;

    private bool _off = !OperatingSystem.IsLinux();
    private long _waitedUpTo;

    /// <summary>
    /// After [<paramref name="offset"/>, +<paramref name="length"/>) was written: starts its writeback, then waits for
    /// everything more than <see cref="Window"/> behind the end of it. Calls come from one thread at a time.
    /// </summary>
    public void Written(long offset, int length)
    {
        if (_off || length == 0)
        {
            return;
        }

        Sync(offset, length, Write);
        var settled = offset + length - Window;
        if (settled > _waitedUpTo)
        {
            Sync(_waitedUpTo, settled - _waitedUpTo, WaitBefore | Write | WaitAfter);
            _waitedUpTo = settled;
        }
    }

    private void Sync(long offset, long length, uint flags)
    {
        if (_off)
        {
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (SyncFileRange((int)handle.DangerousGetHandle(), offset, length, flags) != 0)
            {
                _off = true;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            _off = true;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags): 0, or -1 with errno.
    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int fd, long offset, long length, uint flags);
}
