using System.Security.Cryptography;
using System.Text;
using EdgeModule.Backup.Internal;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Files;

/// <summary>
/// File operations that never follow a symbolic link and never block on a FIFO or a device, for every file the module
/// keeps in a folder other users or other containers may also write to (the backup folder, the storage folder).
/// A name is created exclusively (<c>O_CREAT|O_EXCL|O_NOFOLLOW</c>, mode 0600), so whatever was planted under it
/// (a link to a victim file, a FIFO) makes the creation fail and stays untouched; an existing file is opened with
/// <c>O_NOFOLLOW|O_NONBLOCK</c> and checked with <c>fstat</c> to be a regular file before a byte is read or written.
/// Names that exist only for a moment (temp files, probes) are made unpredictable with <see cref="CreateUnique"/>.
/// </summary>
/// <remarks>
/// On Linux this goes to libc directly (.NET has no <c>O_NOFOLLOW</c>). Elsewhere (not a target of the module) it
/// falls back to .NET's own calls with a check of the name before opening, which leaves a small race.
/// </remarks>
public static partial class SafeFile
{
    /// <summary>Mode of every file the module creates: readable and writable by its owner only.</summary>
    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Mode of every folder the module creates.</summary>
    public const UnixFileMode PrivateFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates <paramref name="path"/> as a new, empty regular file with mode 0600 and opens it for writing (and reading
    /// when <paramref name="readWrite"/>). Fails with an <see cref="IOException"/> when anything has the name, a
    /// symbolic link included (it is not followed).
    /// </summary>
    public static SafeFileHandle CreateNew(string path, bool readWrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Native.Supported ? Native.CreateNew(path, readWrite) : Fallback.CreateNew(path, readWrite);
    }

    /// <summary>
    /// Creates a new file named <paramref name="prefix"/> + 16 random hex digits + <paramref name="suffix"/> in
    /// <paramref name="folder"/> (as <see cref="CreateNew"/> does), so nobody can plant something under the name
    /// beforehand. Returns the open handle; <paramref name="path"/> is the name chosen.
    /// </summary>
    public static SafeFileHandle CreateUnique(string folder, string prefix, string suffix, out string path, bool readWrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(suffix);
        for (var attempt = 0; ; attempt++)
        {
            path = Path.Combine(folder, prefix + RandomNumberGenerator.GetHexString(16, lowercase: true) + suffix);
            try
            {
                return CreateNew(path, readWrite);
            }
            catch (IOException) when (attempt < 3 && GetKind(path) != FileKind.Missing)
            {
                // 64 random bits taken: try another name (a collision, or someone guessing).
            }
        }
    }

    /// <summary>
    /// Opens an existing regular file for reading. Throws <see cref="NotRegularFileException"/> for a symbolic link
    /// (not followed), a FIFO (not blocked on), a folder or a device; <see cref="FileNotFoundException"/> when missing.
    /// </summary>
    public static SafeFileHandle OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Native.Supported ? Native.OpenExisting(path, write: false, append: false, create: false) : Fallback.Open(path, write: false, append: false, create: false);
    }

    /// <summary>
    /// Opens an existing regular file for reading and writing (a journal appending to a generation), with the checks
    /// of <see cref="OpenRead"/>.
    /// </summary>
    public static SafeFileHandle OpenReadWrite(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Native.Supported ? Native.OpenExisting(path, write: true, append: false, create: false) : Fallback.Open(path, write: true, append: false, create: false);
    }

    /// <summary>
    /// Opens a regular file for reading and writing (or for appending, when <paramref name="append"/>), creating it
    /// with mode 0600 when missing. A symbolic link, FIFO, folder or device under the name throws
    /// <see cref="NotRegularFileException"/> and is left as it is.
    /// </summary>
    public static SafeFileHandle OpenOrCreate(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Native.Supported ? Native.OpenExisting(path, write: true, append, create: true) : Fallback.Open(path, write: true, append, create: true);
    }

    /// <summary>What <paramref name="path"/> is, without following a symbolic link at its last component.</summary>
    public static FileKind GetKind(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Native.Supported ? Native.GetKind(path) : Fallback.GetKind(path);
    }

    /// <summary>
    /// Takes an exclusive advisory lock (<c>flock(LOCK_EX|LOCK_NB)</c>) on an open file without waiting: false when
    /// another open file (another process, or another open of the same file) holds it. The kernel drops the lock when
    /// the handle is closed or the process dies.
    /// </summary>
    public static bool TryLockExclusive(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return !Native.Supported || Native.TryLock(handle);
    }

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) with mode 0700 when it does not exist. An existing folder
    /// (or a link to one: the operator's choice) is kept as it is; anything else throws an <see cref="IOException"/>.
    /// Returns true when it created the folder.
    /// </summary>
    public static bool CreatePrivateFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return false;
        }

        if (GetKind(path) is not FileKind.Missing and var kind)
        {
            throw new NotRegularFileException(
                $"'{path}' is {NotRegularFileException.Describe(kind)}, not a folder; it was left as it is.");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, PrivateFolderMode);
        }

        return true;
    }

    /// <summary>
    /// Creates <paramref name="path"/> exclusively (as <see cref="CreateNew"/>), writes <paramref name="content"/>,
    /// and flushes the file and its folder to disk, so the file survives a power loss.
    /// </summary>
    public static void WriteNewDurably(string path, ReadOnlySpan<byte> content)
    {
        using (var handle = CreateNew(path))
        {
            RandomAccess.Write(handle, content, 0);
            RandomAccess.FlushToDisk(handle);
        }

        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Reads a small text file (a marker, a reason) as UTF-8, at most <paramref name="maxBytes"/> of it, with the
    /// checks of <see cref="OpenRead"/>.
    /// </summary>
    public static string ReadText(string path, int maxBytes = 64 << 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        using var handle = OpenRead(path);
        var buffer = new byte[(int)Math.Min(maxBytes, RandomAccess.GetLength(handle))];
        var length = 0;
        while (length < buffer.Length && RandomAccess.Read(handle, buffer.AsSpan(length), length) is var read and > 0)
        {
            length += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
