using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Bench;

/// <summary>
/// A restore as the module does it at startup: in a process of its own that holds nothing yet, so every page the
/// restored store lives in is touched for the first time. The in-process restores of <see cref="Scenario"/> reuse the
/// memory the source store gave back and code the JIT has optimised; this one pays what a fresh process pays: first
/// touch of every page and a cold JIT. Also measures the first part alone: the first touch of as much fresh memory as
/// the restored store's heap, in another fresh process.
/// </summary>
internal static class FreshProcess
{
    public const string ChildFlag = "--child";

    /// <summary>
    /// Restores the newest generation in <paramref name="folder"/> in a child process: (MB/s of file bytes, bytes of
    /// managed heap the restored store holds).
    /// </summary>
    public static (double Mbps, long HeapBytes) Restore(string folder, long fileBytes)
    {
        var output = Run("restore", folder).Split(' ');
        var ms = double.Parse(output[0], CultureInfo.InvariantCulture);
        return (fileBytes / (double)(1 << 20) / (ms / 1000), long.Parse(output[1], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Milliseconds a child process takes to write one byte into every 4 KiB page of <paramref name="bytes"/> of fresh
    /// memory.
    /// </summary>
    public static double FirstTouchMs(long bytes) => double.Parse(Run("touch", bytes.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public static int ChildMain(string[] args)
    {
        switch (args[1])
        {
            case "restore":
            {
                var manager = new BackupManager(new BackupOptions { Folder = args[2] });
                using var store = new InMemoryStore();
                var result = manager.Restore(store);
                if (result.Outcome != RestoreOutcome.Restored)
                {
                    Console.Error.WriteLine(string.Join("; ", result.Problems));
                    return 1;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalMilliseconds:F1} {GC.GetTotalMemory(forceFullCollection: false)}"));
                return 0;
            }

            case "touch":
                Console.WriteLine(Touch(long.Parse(args[2], CultureInfo.InvariantCulture)).ToString("F1", CultureInfo.InvariantCulture));
                return 0;
            default:
                return 2;
        }
    }

    private static unsafe double Touch(long bytes)
    {
        var block = (byte*)NativeMemory.Alloc((nuint)bytes);
        try
        {
            var started = Stopwatch.GetTimestamp();
            for (long i = 0; i < bytes; i += 4096)
            {
                block[i] = 1;
            }

            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        finally
        {
            NativeMemory.Free(block);
        }
    }

    private static string Run(params string[] args)
    {
        // The bench itself, started the way this process was (apphost, or dotnet + the assembly).
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FreshProcess).Assembly.Location);
        }

        start.ArgumentList.Add(ChildFlag);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            child.Kill();
            throw new TimeoutException($"bench child {string.Join(' ', args)} did not finish in 10 minutes");
        }

        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench child {string.Join(' ', args)} exited {child.ExitCode}: {stderr.Result}");
        }

        return stdout.Result.Trim();
    }
}
