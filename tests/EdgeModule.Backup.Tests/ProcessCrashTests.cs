using System.Diagnostics;
using System.Globalization;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests;

/// <summary>
/// A real backup in a child process, killed with SIGKILL at random fault points, restarted on the same folder each
/// round. Every restart must restore the last completed backup or the one being written when it died, never lose
/// data, never quarantine, and leave no temp file behind.
/// </summary>
public sealed class ProcessCrashTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Backup_ChildKilledAtRandomPoints_EveryRestartRestoresLastOrNewerGeneration()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        long lastDone = 0;
        var rounds = 12;
        for (var round = 0; round < rounds; round++)
        {
            using var child = StartChild();
            var restoredLine = await ReadLineAsync(child, "RESTORED");
            var parts = restoredLine.Split(' ');
            var iteration = long.Parse(parts[2], CultureInfo.InvariantCulture);
            if (round > 0)
            {
                Assert.True(parts[1] == nameof(RestoreOutcome.Restored), $"seed {seed} round {round}: {restoredLine}");
                Assert.True(iteration >= lastDone && iteration <= lastDone + 1, $"seed {seed} round {round}: restored iteration {iteration}, last completed {lastDone}");
                Assert.Equal("0", parts[3]);
            }

            // Let it complete a random number of backups (at least one in the first round, so there is a previous
            // generation from then on), then kill it at a random fault point of the next.
            var completions = round == 0 ? 1 : random.Next(0, 3);
            var faultPoints = random.Next(1, 14);
            while (completions > 0 || faultPoints > 0)
            {
                var line = await ReadLineAsync(child, null);
                if (line.StartsWith("DONE ", StringComparison.Ordinal))
                {
                    lastDone = long.Parse(line[5..], CultureInfo.InvariantCulture);
                    completions--;
                }
                else if (line.StartsWith("FP ", StringComparison.Ordinal) && completions <= 0)
                {
                    faultPoints--;
                }
            }

            child.Kill(); // SIGKILL on Unix: no finally blocks, no cleanup
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
            await DrainAsync(child, line => lastDone = line.StartsWith("DONE ", StringComparison.Ordinal)
                ? long.Parse(line[5..], CultureInfo.InvariantCulture) : lastDone);
        }

        using var target = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, TestContext.Current.CancellationToken);
        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Empty(result.Quarantined);
        Assert.Equal(600, target.GetPartition("p0").Count() + target.GetPartition("p1").Count() + target.GetPartition("p2").Count());
        Assert.True(BitConverter.ToInt64(target.GetPartition("meta").Get(CrashChild.IterationKey)) >= lastDone);
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    private Process StartChild()
    {
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(CrashChild).Assembly.Location);
        start.Environment[CrashChild.FolderVariable] = _folder.Path;
        return Process.Start(start)!;
    }

    private static async Task<string> ReadLineAsync(Process child, string? prefix)
    {
        while (true)
        {
            var line = await child.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken)
                ?? throw new InvalidOperationException($"the child exited early: {await child.StandardError.ReadToEndAsync()}");
            if (line.StartsWith("ERROR", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(line);
            }

            if (prefix is null || line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    /// <summary>Lines the child printed before the kill landed still count (a DONE may have slipped through).</summary>
    private static async Task DrainAsync(Process child, Action<string> onLine)
    {
        while (await child.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            onLine(line);
        }
    }
}
