using System.Runtime.InteropServices;

namespace EdgeModule.Files;

/// <summary>The process's file mode creation mask (the backup library's SafeFile does the rest of the file safety).</summary>
internal static partial class PosixFiles
{
    /// <summary>Sets the mask, so that files others create for the module (RocksDB's) are 0600 and folders 0700 too.</summary>
    public static void SetUmask(uint mask) => _ = Umask(mask);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
