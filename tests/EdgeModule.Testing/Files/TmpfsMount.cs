using System.Diagnostics;

namespace EdgeModule.Testing;

/// <summary>
/// A size-limited tmpfs (or another memory file system, such as ramfs) mounted on a fresh folder, for disk-full,
/// read-only and direct-I/O tests; unmounted on dispose. Needs root (or CAP_SYS_ADMIN): where mounting is forbidden,
/// <see cref="TryCreate"/> returns null and the reason (the test skips). Shared by the backup, messaging and host tests.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount? TryCreate(string size, out string reason, string fileSystem = "tmpfs")
    {
        var mount = new TmpfsMount(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"edgemodule-tmpfs-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(mount.Path);
        if (!OperatingSystem.IsLinux())
        {
            reason = $"{fileSystem} mounts need Linux";
        }
        else if (Run("mount", $"-t {fileSystem} -o size={size},mode=0700 {fileSystem} {mount.Path}", out var error) == 0)
        {
            reason = string.Empty;
            return mount;
        }
        else
        {
            reason = $"mounting a {fileSystem} is not allowed here (needs root or CAP_SYS_ADMIN): {error.Trim()}";
        }

        mount.Dispose();
        return null;
    }

    public void RemountReadOnly()
    {
        if (Run("mount", $"-o remount,ro {Path}", out var error) != 0)
        {
            throw new InvalidOperationException($"remount read-only failed: {error}");
        }
    }

    public void Dispose()
    {
        _ = Run("umount", Path, out _);
        try
        {
            Directory.Delete(Path);
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
