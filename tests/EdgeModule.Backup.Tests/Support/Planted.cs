using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>What an attacker with write access to a shared folder plants: FIFOs and links to victim files.</summary>
[UnsupportedOSPlatform("windows")]
public static partial class Planted
{
    public const string VictimText = "victim: must never change\n";

    /// <summary>A FIFO at <paramref name="path"/>: opening it for reading blocks until a writer comes, unless O_NONBLOCK.</summary>
    public static void Fifo(string path)
    {
        if (MkFifo(path, 0x1B6 /* 0666 */) != 0)
        {
            throw new IOException($"mkfifo {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>A victim file outside the folder, and a symbolic link to it at <paramref name="linkPath"/>.</summary>
    public static string LinkToVictim(string linkPath, string victimFolder)
    {
        var victim = Path.Combine(victimFolder, $"victim-{Guid.NewGuid():N}.txt");
        File.WriteAllText(victim, VictimText);
        File.SetUnixFileMode(victim, VictimMode);
        File.CreateSymbolicLink(linkPath, victim);
        return victim;
    }

    /// <summary>The victim's mode: readable by others, so a chmod to 0600 through the link would show.</summary>
    public const UnixFileMode VictimMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Same content, same mode as planted: nothing was appended, truncated, replaced or chmod-ed through the link.</summary>
    public static void AssertVictimUntouched(string victim)
    {
        Assert.Equal(VictimText, File.ReadAllText(victim));
        Assert.Equal(VictimMode, File.GetUnixFileMode(victim));
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkFifo(string path, uint mode);
}
