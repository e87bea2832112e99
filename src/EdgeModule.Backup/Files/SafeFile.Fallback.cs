using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Files;

/// <summary>
/// <see cref="SafeFile"/> where libc's flags are not known (Windows, macOS: not targets of the module): .NET's own
/// calls with a check of the name before opening. The check and the open are two steps, so this is best effort.
/// </summary>
public static partial class SafeFile
{
    private static class Fallback
    {
        public static SafeFileHandle CreateNew(string path, bool readWrite)
        {
            var handle = File.OpenHandle(path, FileMode.CreateNew, readWrite ? FileAccess.ReadWrite : FileAccess.Write, FileShare.Read);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(handle, PrivateFileMode);
            }

            return handle;
        }

        public static SafeFileHandle Open(string path, bool write, bool append, bool create)
        {
            _ = append; // callers write at the end themselves
            if (GetKind(path) is var kind && kind != FileKind.Regular && !(create && kind == FileKind.Missing))
            {
                throw kind == FileKind.Missing
                    ? new FileNotFoundException($"Could not open '{path}': no such file.", path)
                    : new NotRegularFileException(path, kind);
            }

            return write
                ? File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite)
                : File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }

        public static FileKind GetKind(string path)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                return FileKind.SymbolicLink;
            }

            if (Directory.Exists(path))
            {
                return FileKind.Directory;
            }

            return info.Exists ? FileKind.Regular : FileKind.Missing;
        }
    }
}
