using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Files;

/// <summary>
/// The few libc calls the host's own files need and .NET does not offer: open without following a link, the type of
/// an open file (statx, whose layout is the same on every architecture, unlike struct stat), flock and umask.
/// </summary>
internal static partial class PosixFiles
{
    public const int OReadWrite = 0x2;
    public const int OCreate = 0x40;
    public const int OExclusive = 0x80;
    public const int ONonBlock = 0x800;

    private const int ENoFollowLink = 40; // ELOOP: the last component is a symbolic link
    private const int EWouldBlock = 11;
    private const int ONoFollow = 0x20000;
    private const int OCloseOnExec = 0x80000;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const ushort TypeMask = 0xF000;
    private const ushort RegularFile = 0x8000;

    // O_NOFOLLOW is 0x20000 on x86-64 but 0x8000 on arm and arm64; the other flags used here are the same on all three.
    private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x8000 : ONoFollow;

    /// <summary>
    /// Opens (and with <see cref="OCreate"/> creates, mode 0600) a regular file without following a link in its last
    /// component and without blocking on a FIFO. A link, a FIFO, a socket or a device is refused with an IOException
    /// naming the path.
    /// </summary>
    public static SafeFileHandle OpenRegular(string path, int flags)
    {
        var fd = Open(path, flags | NoFollow | OCloseOnExec | ONonBlock, 0x180);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno == ENoFollowLink
                ? $"'{path}' is a symbolic link; the module does not follow links it did not create"
                : $"cannot open '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!IsRegularFile(handle))
        {
            handle.Dispose();
            throw new IOException($"'{path}' is not a regular file (a FIFO, socket, device or folder); the module leaves it alone");
        }

        return handle;
    }

    /// <summary>Takes an exclusive flock without waiting; false when another open file holds it.</summary>
    public static bool TryLockExclusive(SafeFileHandle handle)
    {
        if (Flock((int)handle.DangerousGetHandle(), LockExclusive | LockNonBlocking) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EWouldBlock ? false : throw new IOException($"flock failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    /// <summary>Sets the process's file mode creation mask (so files others create for us, RocksDB's, are 0600).</summary>
    public static void SetUmask(uint mask) => _ = Umask(mask);

    private static unsafe bool IsRegularFile(SafeFileHandle handle)
    {
        var buffer = stackalloc byte[256];
        if (Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxType, buffer) != 0)
        {
            throw new IOException($"statx failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (*(ushort*)(buffer + StatxModeOffset) & TypeMask) == RegularFile;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
