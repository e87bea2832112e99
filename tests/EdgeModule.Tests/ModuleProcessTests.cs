using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeModule.Tests;

/// <summary>The built module as a child process: real environment, real signals.</summary>
public sealed class ModuleProcessTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-process-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static string ModuleDll => Path.Combine(AppContext.BaseDirectory, "EdgeModule.dll");

    private static Process Start(params (string Name, string Value)[] env)
    {
        var info = new ProcessStartInfo("dotnet", [ModuleDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    [Fact]
    public async Task Module_InvalidSetting_ExitsNonZeroWithOneLineNamingIt()
    {
        using var module = Start(("UsePersistentStorage", "perhaps"), ("StorageFolder", _folder.FullName));
        var stderr = await module.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await module.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(0, module.ExitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("UsePersistentStorage='perhaps'", line, StringComparison.Ordinal);
        Assert.StartsWith("<3> ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_Sigterm_ClosesStoreAndExitsZero()
    {
        using var module = Start(("StorageFolder", _folder.FullName));
        var ct = TestContext.Current.CancellationToken;
        var ready = false;
        while (await module.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), ct) is { } line)
        {
            if (line.Contains("Application started", StringComparison.Ordinal))
            {
                ready = true;
                break;
            }
        }

        Assert.True(ready, "the module never reported it started");
        Assert.Equal(0, Kill(module.Id, 15));
        var rest = await module.StandardOutput.ReadToEndAsync(ct);
        await module.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(60), ct);

        Assert.Equal(0, module.ExitCode);
        Assert.Matches(@"(?m)^<6> \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[INF\] - Store closed\.$", rest.Replace("\r", "", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_folder.FullName, "rocksdb", "CURRENT")));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
