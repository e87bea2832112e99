using System.Text.RegularExpressions;
using EdgeModule.Container.Tests.Infrastructure;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests;

/// <summary>
/// The image built from Dockerfile.amd64, run as deployment.template.json deploys it: in-memory store with backup on two
/// bind-mounted host folders, the manifest's env and StopTimeout, stopped with <c>docker stop -t</c>, then a new
/// container on the same folders. Brokers on 127.0.0.1, containers on the host network. Every wait is on a log line,
/// a subscription or a container exit, with a bound.
/// </summary>
public sealed class ContainerStopTests(ModuleImage image)
{
    private const int N = 500;

    [Fact]
    public async Task DockerStop_WithTheManifestsStopTimeout_FlushesTheJournalAndTheNextContainerRestoresAndDelivers()
    {
        await using var env = new ContainerEnvironment(await image.GetAsync(), upstreamRunning: false);
        await env.GiveFoldersToModuleUserAsync();
        var backup = Regex.Escape(env.Manifest.Env["BackupFolder"]);

        await using (var first = await env.StartConnectedAsync("first"))
        {
            // Exec-form ENTRYPOINT: the module itself is PID 1, so docker stop's SIGTERM reaches it; not as root.
            Assert.Equal("/usr/share/dotnet/dotnet /app/EdgeModule.dll", (await first.ExecAsync("sh", "-c", "tr '\\0' ' ' </proc/1/cmdline")).Trim());
            Assert.Equal((await env.GetImageUserAsync()).Split(':')[0], (await first.ExecAsync("id", "-u")).Trim());
            await env.PublishAsync(0, N);
            await first.WaitForLineAsync($"Flow: {N} received", TestTimeouts.Flow);

            var took = await first.StopAsync(); // the StopTimeout the container was created with
            Assert.Equal((0, false), await first.GetStateAsync());
            Assert.True(took < TimeSpan.FromSeconds(env.Manifest.ShutdownWaitPeriod), $"docker stop took {took}");
            // The journal (the manifest's default): the stop only flushes the last interval's changes into generation 1.
            Assert.Matches($@"Journal flushed at shutdown: \d+ bytes in \d+ ms; {backup}/backup-0+1\.ebk holds \d+ deltas, \d+ bytes; {N} messages \(output1={N}\)", first.Output);
        }

        Assert.Equal(["backup-000000000001.ebk"], env.Generations);
        env.Upstream.Start();
        var upstream = await env.SubscribeUpstreamAsync();
        var second = await env.StartAsync("second");
        await second.WaitForLineAsync($@"Restored backup generation 1 from {backup}/backup-0+1\.ebk: {N} messages \(output1={N}\)");
        await ContainerEnvironment.ReceiveAllAsync(upstream, 0, N);
    }

    [Fact]
    public async Task DockerStop_TimeoutShorterThanTheShutdown_KillsTheModuleAndTheNextStartRestoresThePreviousGeneration()
    {
        // The shutdown-only mode (CheckpointIntervalMs=0), where a stop writes a full backup: what happens when the stop
        // timeout is too short for it. (With the journal a kill loses at most the last interval: ModuleJournalTests.)
        (string, string)[] shutdownOnly = [("CheckpointIntervalMs", "0")];
        await using var env = new ContainerEnvironment(await image.GetAsync(), upstreamRunning: false);
        await env.GiveFoldersToModuleUserAsync();
        await using (var first = await env.StartConnectedAsync("first", shutdownOnly))
        {
            await env.PublishAsync(0, 100);
            await first.WaitForLineAsync("Flow: 100 received", TestTimeouts.Flow);
            await first.StopAsync();
            Assert.Equal((0, false), await first.GetStateAsync());
        }

        await using (var killed = await env.StartConnectedAsync("killed", shutdownOnly))
        {
            await killed.WaitForLineAsync(@"Restored backup generation 1 from .*: 100 messages");
            await env.PublishAsync(100, 150);
            await killed.WaitForLineAsync("Flow: 50 received", TestTimeouts.Flow);

            // A device too slow for its stop timeout: at 1 % of a core the shutdown (closing both clients, stopping the
            // pump, writing the backup) gets about 10 ms of CPU a second, far less than it needs, so it still runs
            // when docker stop -t 1 sends SIGKILL. (Unthrottled, this shutdown takes ~0.2 s.)
            await killed.LimitCpusAsync(0.01);
            await killed.StopAsync(1);
            Assert.Equal((137, false), await killed.GetStateAsync());
            Assert.DoesNotContain("Backup generation 2 written", killed.Output, StringComparison.Ordinal);
        }

        // Generation 1 is still the newest complete one; the 50 messages the killed run accepted are lost (in-memory
        // store, no backup at SIGKILL). The next start restores generation 1 again and says it was restored before.
        Assert.Equal(["backup-000000000001.ebk"], env.Generations);
        var next = await env.StartAsync("next", shutdownOnly);
        await next.WaitForLineAsync(@"\[WRN\] - Backup generation 1 .* was already restored 1 time");
        await next.WaitForLineAsync(@"Restored backup generation 1 from .*: 100 messages \(output1=100\)");
    }

    [Fact]
    public async Task Start_BackupFolderNotOwnedByTheModulesUser_ExitsWithCode2NamingBackupFolder()
    {
        // What an operator who skipped the README's chown of the backup folder sees.
        await using var env = new ContainerEnvironment(await image.GetAsync(), upstreamRunning: false);
        await env.GiveFoldersToModuleUserAsync("storage");
        var container = await env.StartAsync("unowned");
        await container.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal((2, false), await container.GetStateAsync());
        Assert.Contains($"Invalid setting BackupFolder='{env.Manifest.Env["BackupFolder"]}': the folder cannot be created or written", container.Output, StringComparison.Ordinal);
    }
}
