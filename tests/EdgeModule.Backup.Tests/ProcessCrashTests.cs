using System.Diagnostics;
using System.Globalization;
using EdgeModule.Backup.Internal;
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
        var crashes = new CrashRounds(seed);
        for (var round = 0; round < 12; round++)
        {
            // Let it complete a random number of backups (at least one in the first round, so there is a previous
            // generation from then on), then kill it at a random fault point of the next.
            var completions = round == 0 ? 1 : random.Next(0, 3);
            var faultPoints = random.Next(1, 14);
            await crashes.RunAsync(this, completions, _ => --faultPoints == 0);
        }

        AssertFinalRestore(crashes.LastDone);
    }

    [Fact]
    public async Task Backup_ChildKilledAfterTheRenameInTwoRoundsRunning_EachRestartAcceptsTheGenerationTheRoundBeforeRestored()
    {
        // Killed past the rename (at the directory flush), a backup is complete though its DONE was never printed;
        // the next round restores it. Killed there again, that round's backup is newer still: what counts as the last
        // completed generation must be what the round restored, not the last DONE seen (the flake "restored
        // iteration 3, last completed 1" at load 12, where a late SIGKILL lands past the rename).
        var crashes = new CrashRounds(seed: 0);
        await crashes.RunAsync(this, completions: 1, _ => true);
        for (var round = 1; round < 4; round++)
        {
            await crashes.RunAsync(this, completions: 0, point => point == nameof(BackupFaultPoint.FlushDirectory));
        }

        AssertFinalRestore(crashes.LastDone);
    }

    private void AssertFinalRestore(long lastDone)
    {
        using var target = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _folder.Path }).Restore(target, TestContext.Current.CancellationToken);
        Assert.Equal(RestoreOutcome.Restored, result.Outcome);
        Assert.Empty(result.Quarantined);
        Assert.Equal(600, target.GetPartition("p0").Count() + target.GetPartition("p1").Count() + target.GetPartition("p2").Count());
        Assert.True(BitConverter.ToInt64(target.GetPartition("meta").Get(CrashChild.IterationKey)) >= lastDone);
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    private Process StartChild() => TestChildProcess.Start(CrashChild.FolderVariable, _folder.Path);

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

    /// <summary>
    /// The rounds of one test: each starts a child on the folder, checks what it restored, lets it complete backups,
    /// then kills it at a chosen fault point. <see cref="LastDone"/> is the newest generation known complete: the last
    /// DONE printed, or the generation a round restored, which is complete even when its writer was killed past the
    /// rename before it printed DONE.
    /// </summary>
    private sealed class CrashRounds(int seed)
    {
        private int _round;

        public long LastDone { get; private set; }

        /// <param name="test">the test whose folder the child backs up to.</param>
        /// <param name="completions">backups to let complete before counting fault points.</param>
        /// <param name="killAt">given each fault point's name after those completions; true: kill the child there.</param>
        public async Task RunAsync(ProcessCrashTests test, int completions, Func<string, bool> killAt)
        {
            var round = _round++;
            using var child = test.StartChild();
            var restoredLine = await ReadLineAsync(child, "RESTORED");
            var parts = restoredLine.Split(' ');
            var iteration = long.Parse(parts[2], CultureInfo.InvariantCulture);
            if (round > 0)
            {
                Assert.True(parts[1] == nameof(RestoreOutcome.Restored), $"seed {seed} round {round}: {restoredLine}");
                Assert.True(iteration >= LastDone && iteration <= LastDone + 1, $"seed {seed} round {round}: restored iteration {iteration}, last completed {LastDone}");
                Assert.Equal("0", parts[3]);
                LastDone = iteration;
            }

            var killed = false;
            while (!killed)
            {
                var line = await ReadLineAsync(child, null);
                if (line.StartsWith("DONE ", StringComparison.Ordinal))
                {
                    LastDone = long.Parse(line[5..], CultureInfo.InvariantCulture);
                    completions--;
                }
                else if (line.StartsWith("FP ", StringComparison.Ordinal) && completions <= 0)
                {
                    killed = killAt(line[3..]);
                }
            }

            child.Kill(); // SIGKILL on Unix: no finally blocks, no cleanup
            await child.WaitForExitAsync(TestContext.Current.CancellationToken);
            await DrainAsync(child, line => LastDone = line.StartsWith("DONE ", StringComparison.Ordinal)
                ? long.Parse(line[5..], CultureInfo.InvariantCulture) : LastDone);
        }
    }
}
