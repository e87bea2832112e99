using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Files;

/// <summary>The Linux side of <see cref="SafeFile"/>: open(2) with the flags .NET does not offer, statx(2), flock(2).</summary>
public static partial class SafeFile
{
    private static partial class Native
    {
        private const int ReadOnly = 0; // O_RDONLY
        private const int WriteOnly = 1; // O_WRONLY
        private const int ReadWrite = 2; // O_RDWR
        private const int Create = 0x40; // O_CREAT
        private const int Exclusive = 0x80; // O_EXCL
        private const int NoControllingTty = 0x100; // O_NOCTTY
        private const int Append = 0x400; // O_APPEND
        private const int NonBlocking = 0x800; // O_NONBLOCK
        private const int CloseOnExec = 0x80000; // O_CLOEXEC

        private const int AtCurrentDirectory = -100; // AT_FDCWD
        private const int AtNoFollow = 0x100; // AT_SYMLINK_NOFOLLOW
        private const int AtEmptyPath = 0x1000; // AT_EMPTY_PATH
        private const uint StatxType = 1; // STATX_TYPE
        private const int StatxSize = 256; // sizeof(struct statx), the same on every architecture
        private const int StatxModeOffset = 28; // u16 stx_mode

        private const int GetFlags = 3; // F_GETFL
        private const int SetFlags = 4; // F_SETFL
        private const int LockExclusiveNoWait = 2 | 4; // LOCK_EX | LOCK_NB

        private const int ErrNoEntry = 2; // ENOENT
        private const int ErrPermission = 1; // EPERM
        private const int ErrNoDeviceOrAddress = 6; // ENXIO: open(2) of a socket
        private const int ErrWouldBlock = 11; // EAGAIN, EWOULDBLOCK
        private const int ErrAccess = 13; // EACCES
        private const int ErrNotDirectory = 20; // ENOTDIR
        private const int ErrIsDirectory = 21; // EISDIR
        private const int ErrReadOnlyFileSystem = 30; // EROFS
        private const int ErrLoop = 40; // ELOOP: O_NOFOLLOW met a symbolic link
        private const int ErrNotImplemented = 38; // ENOSYS

        /// <summary>O_NOFOLLOW, which differs between Linux architectures (0100000 on ARM and POWER, 0400000 elsewhere).</summary>
        private static readonly int NoFollow = RuntimeInformation.ProcessArchitecture
            is Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 or Architecture.Ppc64le ? 0x8000 : 0x20000;

        private static bool _noStatx;

        public static bool Supported => OperatingSystem.IsLinux();

        public static SafeFileHandle CreateNew(string path, bool readWrite)
        {
            var flags = (readWrite ? ReadWrite : WriteOnly) | Create | Exclusive | NoFollow | CloseOnExec | NoControllingTty;
            var fd = Open(path, flags, (int)PrivateFileMode);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw errno == ErrLoop ? new NotRegularFileException(path, FileKind.SymbolicLink) : Error(path, errno, "create");
            }

            return new SafeFileHandle(fd, ownsHandle: true);
        }

        public static SafeFileHandle OpenExisting(string path, bool write, bool append, bool create)
        {
            // O_NONBLOCK makes the open of a FIFO return at once instead of waiting for a writer; fstat then refuses it.
            var flags = (write ? ReadWrite : ReadOnly) | NoFollow | NonBlocking | CloseOnExec | NoControllingTty
                | (append ? Append : 0) | (create ? Create : 0);
            var fd = Open(path, flags, (int)PrivateFileMode);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw errno switch
                {
                    ErrLoop => new NotRegularFileException(path, FileKind.SymbolicLink),
                    ErrNoDeviceOrAddress => new NotRegularFileException(path, FileKind.Other),
                    ErrIsDirectory => new NotRegularFileException(path, FileKind.Directory),
                    _ => Error(path, errno, "open"),
                };
            }

            var handle = new SafeFileHandle(fd, ownsHandle: true);
            try
            {
                var kind = KindOf(fd);
                if (kind != FileKind.Regular)
                {
                    throw new NotRegularFileException(path, kind);
                }

                // A regular file ignores O_NONBLOCK, but .NET reads the flag as "asynchronous handle": clear it.
                var current = Fcntl(fd, GetFlags, 0);
                if (current < 0 || Fcntl(fd, SetFlags, current & ~NonBlocking) < 0)
                {
                    throw Error(path, Marshal.GetLastPInvokeError(), "open");
                }

                return handle;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        public static FileKind GetKind(string path)
        {
            if (!_noStatx)
            {
                Span<byte> buffer = stackalloc byte[StatxSize];
                try
                {
                    if (Statx(AtCurrentDirectory, path, AtNoFollow, StatxType, ref MemoryMarshal.GetReference(buffer)) == 0)
                    {
                        return KindOfMode(BitConverter.ToUInt16(buffer[StatxModeOffset..]));
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is ErrNoEntry or ErrNotDirectory)
                    {
                        return FileKind.Missing;
                    }

                    if (errno is not (ErrNotImplemented or ErrPermission))
                    {
                        throw Error(path, errno, "inspect");
                    }
                }
                catch (EntryPointNotFoundException)
                {
                    // glibc older than 2.28.
                }

                _noStatx = true;
            }

            return Fallback.GetKind(path);
        }

        public static bool TryLock(SafeFileHandle handle)
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (Flock((int)handle.DangerousGetHandle(), LockExclusiveNoWait) == 0)
                {
                    return true;
                }

                var errno = Marshal.GetLastPInvokeError();
                return errno == ErrWouldBlock ? false : throw new IOException($"flock failed (errno {errno}).", errno);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        private static FileKind KindOf(int fd)
        {
            if (!_noStatx)
            {
                Span<byte> buffer = stackalloc byte[StatxSize];
                try
                {
                    if (Statx(fd, string.Empty, AtEmptyPath, StatxType, ref MemoryMarshal.GetReference(buffer)) == 0)
                    {
                        return KindOfMode(BitConverter.ToUInt16(buffer[StatxModeOffset..]));
                    }

                    if (Marshal.GetLastPInvokeError() is not (ErrNotImplemented or ErrPermission))
                    {
                        throw new IOException($"statx failed (errno {Marshal.GetLastPInvokeError()}).");
                    }
                }
                catch (EntryPointNotFoundException)
                {
                    // glibc older than 2.28.
                }

                _noStatx = true;
            }

            // Without statx (an old kernel, or a seccomp profile that refuses it): a pipe cannot seek.
            return Lseek(fd, 0, 2 /* SEEK_END */) < 0 ? FileKind.Fifo : FileKind.Regular;
        }

        private static FileKind KindOfMode(ushort mode) => (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            _ => FileKind.Other,
        };

        /// <summary>The exception .NET itself would throw for this errno, so callers' catch clauses keep working.</summary>
        private static Exception Error(string path, int errno, string verb) => errno switch
        {
            ErrNoEntry => new FileNotFoundException($"Could not {verb} '{path}': no such file or folder.", path),
            ErrNotDirectory => new DirectoryNotFoundException($"Could not {verb} '{path}': a part of the path is not a folder."),
            ErrAccess or ErrPermission or ErrReadOnlyFileSystem => new UnauthorizedAccessException(
                $"Could not {verb} '{path}': {(errno == ErrReadOnlyFileSystem ? "read-only file system" : "permission denied")} (errno {errno})."),
            _ => new IOException($"Could not {verb} '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno),
        };

        // int open(const char *path, int flags, mode_t mode): a descriptor the caller must close (SafeFileHandle does), or -1.
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial int Open(string path, int flags, int mode);

        // int statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *buf): 0, or -1 with errno.
        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

        [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        private static partial int Fcntl(int fd, int cmd, int arg);

        [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        private static partial int Flock(int fd, int operation);

        // off_t lseek(int fd, off_t offset, int whence); only its sign is used, so a 32-bit off_t is fine.
        [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
        private static partial nint Lseek(int fd, nint offset, int whence);
    }
}
