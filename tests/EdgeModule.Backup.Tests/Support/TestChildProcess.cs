using System.Diagnostics;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>
/// Starts this test assembly again as a child process (<c>dotnet exec</c>; its module initializer picks the child's
/// role from the variable that names the folder). Skipped under emulation: <c>dotnet</c> there is the
/// host's runtime, not the emulated one.
/// </summary>
internal static class TestChildProcess
{
    public static Process Start(string variable, string folder, bool redirectInput = false)
    {
        Emulation.SkipIfEmulated("starting a .NET process: `dotnet` here is the host's runtime, not the emulated one");
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(TestChildProcess).Assembly.Location);
        start.Environment[variable] = folder;
        return Process.Start(start)!;
    }
}
