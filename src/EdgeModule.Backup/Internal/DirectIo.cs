using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// Turns Linux direct I/O (<c>O_DIRECT</c>) on and off for an open file. A backup written this way goes from the
/// writer's buffers to the disk without passing through the page cache: no gigabyte of cache pages to allocate and
/// dirty on a small device, no burst of writeback at the final fsync, and a speed that does not depend on how much
/// free memory the kernel has at hand. Writes must then be aligned (<see cref="Alignment"/>) in address, offset and
/// length; <see cref="Format.FrameWriter"/> keeps to that.
/// </summary>
/// <remarks>
/// Only a way of writing: durability still comes from the fsync. Where the flag is refused (tmpfs, another OS, a file
/// system without direct I/O) the file simply stays buffered.
/// </remarks>
internal static partial class DirectIo
{
    /// <summary>Address, offset and length granularity used for direct writes; covers 512-byte and 4 KiB sectors.</summary>
    public const int Alignment = 4096;

    private const int GetFlags = 3; // F_GETFL
    private const int SetFlags = 4; // F_SETFL

    /// <summary><paramref name="bytes"/> rounded up to a whole number of <see cref="Alignment"/> blocks.</summary>
    public static long RoundUp(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    /// <summary>Sets <c>O_DIRECT</c> on the file; false (and the file unchanged) when it cannot be had.</summary>
    public static bool TryEnable(SafeFileHandle handle) => OperatingSystem.IsLinux() && Change(handle, on: true);

    /// <summary>Clears <c>O_DIRECT</c> again; false when that failed.</summary>
    public static bool Disable(SafeFileHandle handle) => !OperatingSystem.IsLinux() || Change(handle, on: false);

    /// <summary>The value of <c>O_DIRECT</c>, which differs between Linux architectures.</summary>
    internal static int Flag => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000, // 040000
        Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 => 0x10000, // 0200000
        _ => 0,
    };

    private static bool Change(SafeFileHandle handle, bool on)
    {
        var flag = Flag;
        if (flag == 0)
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            var flags = Fcntl(fd, GetFlags, 0);
            if (flags < 0)
            {
                return false;
            }

            var wanted = on ? flags | flag : flags & ~flag;
            return wanted == flags || Fcntl(fd, SetFlags, wanted) == 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // int fcntl(int fd, int cmd, ... /* int arg */): F_GETFL returns the flags, F_SETFL 0; -1 with errno on failure.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd, int arg);
}
