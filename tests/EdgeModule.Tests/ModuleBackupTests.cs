using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests;

/// <summary>Restore across crashes and damage, with the real process: SIGKILL (no backup), a corrupt newest generation.</summary>
public sealed class ModuleBackupTests
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(ModuleEnvironment.ShutdownWaitSeconds);

    [Fact]
    public async Task Module_SigkillAfterRestore_RestartRestoresPreviousGenerationAndSaysSo()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables();
        await RunAndStopAsync(env, variables, 0, 100, expectRestoredGeneration: null);

        using (var killed = await ModuleProcess.StartConnectedAsync(variables))
        {
            await killed.WaitForLineAsync(@"Restored backup generation 1 from .*: 100 messages");
            using var producer = await MqttTestClient.ConnectAsync(env.Receiving.Port);
            await env.PublishAsync(producer, 100, 150);
            await killed.WaitForLineAsync("Flow: 50 received", TestTimeouts.Flow);
            killed.Signal(ModuleProcess.SigKill);
            await killed.WaitForExitAsync(TestTimeouts.Signal);
            Assert.Equal(137, killed.ExitCode);
        }

        // No backup was written by the killed run: generation 1 is still the newest, and the restart says it was
        // restored before (what the killed run accepted since is lost: in-memory mode, no backup at SIGKILL).
        Assert.Single(env.Generations);
        using var restarted = await ModuleProcess.StartConnectedAsync(variables);
        await restarted.WaitForLineAsync(@"Restored backup generation 1 from .*: 100 messages \(output1=100\)");
        await restarted.WaitForLineAsync("already restored 1 time");
    }

    [Fact]
    public async Task Module_NewestGenerationCorrupt_RestoresOlderAndQuarantinesTheBadOne()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables();
        await RunAndStopAsync(env, variables, 0, 10, expectRestoredGeneration: null);
        await RunAndStopAsync(env, variables, 10, 20, expectRestoredGeneration: 1);
        Assert.Equal(2, env.Generations.Length);

        // One flipped bit in the middle of generation 2: its frame checksum no longer matches.
        var newest = env.Generations[^1];
        var bytes = await File.ReadAllBytesAsync(newest, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(newest, bytes, TestContext.Current.CancellationToken);

        using var restarted = await ModuleProcess.StartConnectedAsync(variables);
        await restarted.WaitForLineAsync(@"\[ERR\] - Backup .*backup-0+2\.ebk is corrupt .*quarantined as .*quarantine");
        await restarted.WaitForLineAsync(@"Restored backup generation 1 from .*: 10 messages \(output1=10\)");
        var quarantined = Directory.GetFiles(Path.Combine(env.BackupFolder, "quarantine"));
        Assert.Contains(quarantined, f => Path.GetFileName(f).StartsWith("backup-000000000002", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_SigtermWhileBrokersDown_BacksUpAndExitsWithinShutdownWait()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        env.Receiving.Stop();
        using var module = ModuleProcess.Start(env.Variables());
        await module.WaitForLineAsync("Application started");

        module.Signal(ModuleProcess.SigTerm);
        await module.WaitForExitAsync(ShutdownWait);
        Assert.Equal(0, module.ExitCode);
        Assert.Contains("Backup generation 1 written", module.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Module_BackupFails_LogsErrorExitsNonZeroAndKeepsPreviousGeneration()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables();
        await RunAndStopAsync(env, variables, 0, 10, expectRestoredGeneration: null);
        var previous = Assert.Single(env.Generations);

        using var module = await ModuleProcess.StartConnectedAsync(variables);
        await module.WaitForLineAsync("Restored backup generation 1 ");

        // The folder goes away under the running module (an unmounted volume, say): a file now stands where it was.
        var moved = env.BackupFolder + ".moved";
        Directory.Move(env.BackupFolder, moved);
        File.WriteAllText(env.BackupFolder, "not a folder");
        module.Signal(ModuleProcess.SigTerm);
        await module.WaitForExitAsync(ShutdownWait);

        Assert.Equal(3, module.ExitCode);
        Assert.Matches(@"<3> .* \[ERR\] - Backup FAILED", module.Output);
        Assert.True(File.Exists(Path.Combine(moved, Path.GetFileName(previous))));
    }

    /// <summary>One run: start, (check the restore), publish [from, to) with the upstream down, SIGTERM, exit 0 and a new generation.</summary>
    private static async Task RunAndStopAsync(ModuleEnvironment env, Dictionary<string, string> variables, int from, int to, int? expectRestoredGeneration)
    {
        var before = env.Generations.Length;
        using var module = await ModuleProcess.StartConnectedAsync(variables);
        if (expectRestoredGeneration is { } generation)
        {
            await module.WaitForLineAsync($"Restored backup generation {generation} ");
        }

        using var producer = await MqttTestClient.ConnectAsync(env.Receiving.Port);
        await env.PublishAsync(producer, from, to);
        await module.WaitForLineAsync($"Flow: {to - from} received", TestTimeouts.Flow);
        module.Signal(ModuleProcess.SigTerm);
        await module.WaitForExitAsync(ShutdownWait);
        Assert.Equal(0, module.ExitCode);
        Assert.Equal(before + 1, env.Generations.Length);
    }
}
