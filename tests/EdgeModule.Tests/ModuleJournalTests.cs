using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests;

/// <summary>
/// The journal with the real process: SIGKILLs at random moments under a steady input load (nothing acknowledged longer
/// than the loss window before a kill is lost; with AcknowledgeAfterCheckpoint nothing acknowledged at all), a torn
/// last delta, the shutdown that only flushes.
/// </summary>
public sealed class ModuleJournalTests
{
    private const int IntervalMs = 250;

    /// <summary>
    /// The window a test allows between a message's acknowledgement and a kill: the interval, one flush, and the lag
    /// between the broker's PUBACK to the producer (what the test sees) and the module's own (which comes after).
    /// </summary>
    private static readonly TimeSpan Allowance = TimeSpan.FromMilliseconds(IntervalMs + 750);

    /// <summary>How late after the process is gone the producer may still see the PUBACK of a message the module took.</summary>
    private static readonly TimeSpan ExitSlack = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Module_SigkillsUnderLoad_NothingAcknowledgedBeforeTheLossWindowIsLost()
    {
        var (expected, acknowledged) = await KillRoundsAsync(durable: false, rounds: 20);
        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledged} acknowledged, {expected} of them before a kill's window: all delivered");
    }

    [Fact]
    public async Task Module_SigkillsUnderLoadWithAcknowledgeAfterCheckpoint_NoAcknowledgedMessageIsLost()
    {
        var (expected, acknowledged) = await KillRoundsAsync(durable: true, rounds: 10);
        Assert.Equal(acknowledged, expected);
        TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledged} acknowledged messages, all delivered");
    }

    [Fact]
    public async Task Module_TornLastDelta_RestoresTheSoundPrefixAndSaysHowManyBytesWereDropped()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables(extra: [("CheckpointIntervalMs", "100")]);
        using (var module = await ModuleProcess.StartConnectedAsync(variables))
        {
            using var producer = await MqttTestClient.ConnectAsync(env.Receiving.Port);
            await env.PublishAsync(producer, 0, 50);
            await module.WaitForLineAsync("Flow: 50 received", TestTimeouts.Flow);
            module.Signal(ModuleProcess.SigTerm);
            await module.WaitForExitAsync(TestTimeouts.Signal);
            Assert.Equal(0, module.ExitCode);
        }

        // A delta cut short: the start of a frame (length, type) and a few bytes of its payload, as a power cut leaves it.
        var generation = Assert.Single(env.Generations);
        await File.AppendAllBytesAsync(generation, [0x40, 0, 0, 0, 0x02, 1, 2, 3], TestContext.Current.CancellationToken);

        env.Upstream.Start();
        using var upstream = await MqttTestClient.ConnectAsync(env.Upstream.Port);
        await upstream.SubscribeAsync($"devices/{ModuleEnvironment.DeviceId}/modules/+/messages/events/#");
        using var again = await ModuleProcess.StartConnectedAsync(variables);
        await again.WaitForLineAsync(@"torn delta \(8 bytes");
        await ModuleEnvironment.ReceiveAllAsync(upstream, Enumerable.Range(0, 50).ToHashSet());
        Assert.Single(Directory.GetFiles(Path.Combine(env.BackupFolder, "quarantine")), f => !f.EndsWith(".reason.txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Module_BitFlipInAnEarlyDelta_RestoresWhatCameBeforeIt_AndReportsDamageNotATear()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables(extra: [("CheckpointIntervalMs", "100")]);
        using (var module = await ModuleProcess.StartConnectedAsync(variables))
        {
            // Two bursts, each made durable in a delta of its own before the next.
            using var producer = await MqttTestClient.ConnectAsync(env.Receiving.Port);
            await env.PublishAsync(producer, 0, 50);
            await module.WaitForLineAsync("Flow: 50 received", TestTimeouts.Flow);
            await module.WaitForLineAsync(@"unprotected now 0 bytes, .* with [1-9]\d* deltas", TestTimeouts.Flow);
            await env.PublishAsync(producer, 50, 100);
            await module.WaitForLineAsync("Flow: 100 received", TestTimeouts.Flow);
            await module.WaitForLineAsync(@"unprotected now 0 bytes, .* with ([2-9]|\d\d+) deltas", TestTimeouts.Flow);
            module.Signal(ModuleProcess.SigTerm);
            await module.WaitForExitAsync(TestTimeouts.Signal);
            Assert.Equal(0, module.ExitCode);
        }

        // A bit flip in the first delta, which was durable: the deltas after it are intact, so it is not a tear.
        var generation = Assert.Single(env.Generations);
        var baseBytes = EdgeModule.Backup.BackupVerifier.Verify(generation, TestContext.Current.CancellationToken).BaseBytes;
        var bytes = await File.ReadAllBytesAsync(generation, TestContext.Current.CancellationToken);
        bytes[baseBytes + 20] ^= 0x01;
        await File.WriteAllBytesAsync(generation, bytes, TestContext.Current.CancellationToken);

        using var again = await ModuleProcess.StartConnectedAsync(variables);
        var line = await again.WaitForLineAsync(@"is damaged inside its deltas, not torn: [1-9]\d* later delta\(s\) were intact", TestTimeouts.Flow);
        Assert.Contains("Check the storage device", line, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(env.BackupFolder, "quarantine")), f => !f.EndsWith(".reason.txt", StringComparison.Ordinal));
    }

    /// <summary>
    /// Rounds of: start (restore), a steady input load from one producer that runs through every round, a SIGKILL after
    /// a random number of further acknowledgements. Then the upstream comes up and one last start must deliver every
    /// message acknowledged more than <see cref="Allowance"/> before the kill that followed it (durable: every one).
    /// Returns how many had to arrive (and did), and how many were acknowledged in all.
    /// </summary>
    private static async Task<(int Expected, int Acknowledged)> KillRoundsAsync(bool durable, int rounds)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}");
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables(extra:
        [
            ("CheckpointIntervalMs", IntervalMs.ToString(CultureInfo.InvariantCulture)),
            ("AcknowledgeAfterCheckpoint", durable ? "true" : "false"),
        ]);
        var clock = Stopwatch.StartNew();
        var acknowledged = new ConcurrentDictionary<int, TimeSpan>();
        var kills = new List<(TimeSpan Signalled, TimeSpan Exited)>();
        using var producer = await MqttTestClient.ConnectAsync(env.Receiving.Port);
        using var stop = new CancellationTokenSource();
        var sends = new ConcurrentBag<Task>();
        var progress = new AckProgress();

        Task? load = null;
        for (var round = 0; round < rounds; round++)
        {
            using var module = await ModuleProcess.StartConnectedAsync(variables);
            await module.WaitForLineAsync("Accepting messages on inputs");

            // The load starts once the module's first subscription is confirmed: a plain broker keeps nothing for a
            // session it has not yet seen subscribe, though it acknowledges the producer.
            if (load is null)
            {
                // About 400 messages a second: two every 5 ms tick, each acknowledgement time-stamped.
                load = Task.Run(async () =>
                {
                    using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
                    for (var n = 0; await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false);)
                    {
                        for (var i = 0; i < 2; i++, n++)
                        {
                            var k = n;
                            sends.Add(producer.PublishAsync(env.Topic(k), ModuleEnvironment.Body(k)).ContinueWith(
                                t =>
                                {
                                    if (t.IsCompletedSuccessfully)
                                    {
                                        acknowledged[k] = clock.Elapsed;
                                        progress.Add();
                                    }
                                },
                                TaskScheduler.Default));
                        }
                    }
                });
            }

            // The kill comes at least the allowance after the module is ready (450 acknowledgements at ~400/s): what the
            // broker held for it while it was down (its acknowledgement to the producer long past) is taken at the start
            // of the round and must be as safe as what arrives later.
            await progress.WaitForAsync(progress.Count + random.Next(450, 1000));
            var signalled = clock.Elapsed;
            module.Signal(ModuleProcess.SigKill);
            await module.WaitForExitAsync(TestTimeouts.Signal);
            kills.Add((signalled, clock.Elapsed));
        }

        await stop.CancelAsync();
        await load!.ContinueWith(_ => { }, TaskScheduler.Default);
        await Task.WhenAll(sends).WaitAsync(TestTimeouts.Flow);

        // A message the producer saw acknowledged from the allowance before a kill's signal until just after the process
        // was gone may have been the module's last acknowledged ones (the broker's PUBACK to the producer comes first,
        // its delivery to the module right after): those are the loss window. Every other one must arrive.
        var mustArrive = acknowledged
            .Where(a => durable || !kills.Any(k => a.Value >= k.Signalled - Allowance && a.Value <= k.Exited + ExitSlack))
            .Select(a => a.Key).ToHashSet();
        env.Upstream.Start();
        using var upstream = await MqttTestClient.ConnectAsync(env.Upstream.Port);
        await upstream.SubscribeAsync($"devices/{ModuleEnvironment.DeviceId}/modules/+/messages/events/#");
        using var last = await ModuleProcess.StartConnectedAsync(variables);
        try
        {
            await ModuleEnvironment.ReceiveAllAsync(upstream, mustArrive);
        }
        catch (TimeoutException e)
        {
            // Which were lost, when they were acknowledged, and when the kills came: what a failure needs to be read.
            foreach (var n in System.Text.RegularExpressions.Regex.Match(e.Message, @"missing e.g. ([\d,]+)").Groups[1].Value.Split(',').Select(int.Parse))
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"missing {n} acked at {acknowledged.GetValueOrDefault(n).TotalMilliseconds:F0}");
            }

            TestContext.Current.TestOutputHelper?.WriteLine("kills " + string.Join(",", kills.Select(k => $"{k.Signalled.TotalMilliseconds:F0}-{k.Exited.TotalMilliseconds:F0}")));
            throw;
        }

        return (mustArrive.Count, acknowledged.Count);
    }

    private sealed class AckProgress
    {
        private readonly Lock _gate = new();
        private readonly List<(int Target, TaskCompletionSource Reached)> _waiters = [];
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add()
        {
            var count = Interlocked.Increment(ref _count);
            lock (_gate)
            {
                foreach (var waiter in _waiters.Where(w => w.Target <= count).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Reached.TrySetResult();
                }
            }
        }

        public Task WaitForAsync(int target)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (Count >= target)
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((target, reached));
            }

            return reached.Task.WaitAsync(TestTimeouts.Flow);
        }
    }
}
