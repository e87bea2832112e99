using System.Diagnostics;

namespace EdgeModule.Messaging.Tests.Support;

/// <summary>
/// A size-limited tmpfs on a fresh folder, a real disk that fills up; unmounted on dispose. Needs root or
/// CAP_SYS_ADMIN: where mounting is forbidden <see cref="TryMount"/> returns null and the reason (the test skips).
/// The same idea as the backup tests' TmpfsMount, kept here so the projects stay independent.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk? TryMount(string size, out string reason)
    {
        var disk = new SmallDisk(Directory.CreateTempSubdirectory("edgemodule-messaging-disk-").FullName);
        if (!OperatingSystem.IsLinux())
        {
            reason = "tmpfs mounts need Linux";
        }
        else if (Run("mount", $"-t tmpfs -o size={size},mode=0700 tmpfs {disk.Path}", out var error) == 0)
        {
            reason = string.Empty;
            return disk;
        }
        else
        {
            reason = $"mounting a tmpfs is not allowed here (needs root or CAP_SYS_ADMIN): {error.Trim()}";
        }

        disk.Dispose();
        return null;
    }

    public void Dispose()
    {
        _ = Run("umount", Path, out _);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Still mounted (a store left open by a failed test): the OS cleans temp eventually.
        }
    }

    private static int Run(string file, string arguments, out string error)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
            error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            error = ex.Message;
            return -1;
        }
    }
}
