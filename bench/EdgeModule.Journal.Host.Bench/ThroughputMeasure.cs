using System.Diagnostics;
using System.Globalization;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>
/// 4. Input throughput with AcknowledgeAfterCheckpoint=true ÷ false, same brokers: one producer publishes N messages of
/// 1 KB QoS 1 as fast as the broker acknowledges (1000 in flight), the upstream is down, and the module's input rate is
/// read from its own Flow lines (received counts and their time stamps, from the first line with some received to the
/// last before all were). The broker lets at most max_inflight_messages unacknowledged messages out to the module, so
/// once the module holds its PUBACKs for the journal's flush, that window (and the group commit) sets its rate.
/// </summary>
internal static class ThroughputMeasure
{
    public static async Task RunAsync(BenchContext bench, Report report, int messages, int rounds, int brokerInflight)
    {
        var results = new List<Result>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var backlog in new[] { false, true })
            {
                foreach (var durable in new[] { false, true })
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"tput-{(backlog ? "backlog" : "live")}-{(durable ? "durable" : "plain")}-{round}");
                    results.Add(await OneAsync(bench, name, durable, backlog, messages));
                }
            }
        }

        foreach (var backlog in new[] { false, true })
        {
            var plain = results.Where(r => !r.Durable && r.Backlog == backlog).Average(r => r.ModuleRate);
            var durableRate = results.Where(r => r.Durable && r.Backlog == backlog).Average(r => r.ModuleRate);
            report.Row(backlog ? "4b. input throughput from a broker backlog, AcknowledgeAfterCheckpoint=true" : "4. input throughput, live producer, AcknowledgeAfterCheckpoint=true",
                $"{durableRate:N0} msg/s", $"{plain:N0} msg/s (false)", Report.F(durableRate / plain, 3), "≥ 0.5");
        }

        var lines = new List<string>
        {
            $"{messages:N0} messages of 1 KB per run, upstream down, broker max_inflight_messages {brokerInflight}; {rounds} round(s) of false then true, each row above is the mean of its runs. Module rate: from its Flow lines; producer rate: all PUBACKs from the broker. Live: the module takes the messages while the producer publishes (a module rate close to the producer's means the producer set it). Backlog: the module is stopped (SIGSTOP) while the producer publishes, so the broker queues everything for its session, then continued (SIGCONT): the module's own input rate, with the broker's window of unacknowledged messages as the only other limit.",
            string.Empty,
            "| Run | module input msg/s | producer msg/s | flushes (journal line) |",
            "|---|---:|---:|---|",
        };
        lines.AddRange(results.Select(r => string.Create(CultureInfo.InvariantCulture, $"| {r.Name} | {r.ModuleRate:N0} | {r.ProducerRate:N0} | {r.JournalLine} |")));
        report.Section("4. Input throughput with durable acknowledgements", lines);
    }

    private static async Task<Result> OneAsync(BenchContext bench, string name, bool durable, bool backlog, int messages)
    {
        using var module = await Module.StartAsync(bench, name, StoreMode.Journal, bench.LateUpstream.Port, ("AcknowledgeAfterCheckpoint", durable ? "true" : "false"));
        await using var producer = await Producer.ConnectAsync(bench.Receiving.Port, name + "-producer", 1000);
        double producerSeconds;
        long started;
        if (backlog)
        {
            module.Process.Signal(19);
            try
            {
                var publishing = Stopwatch.GetTimestamp();
                await producer.BurstAsync(name, messages, BenchContext.SmallBody, 1000);
                producerSeconds = Stopwatch.GetElapsedTime(publishing).TotalSeconds;
            }
            finally
            {
                module.Process.Signal(18);
            }

            started = Stopwatch.GetTimestamp();
        }
        else
        {
            started = Stopwatch.GetTimestamp();
            await producer.BurstAsync(name, messages, BenchContext.SmallBody, 1000);
            producerSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        await module.WaitReceivedAsync(messages, TimeSpan.FromMinutes(5));
        var harnessSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // Only the lines strictly inside the load: the one that shows all of them came up to a stats interval late.
        var inside = module.Flow().Where(p => p.Received > 0 && p.Received < messages).ToList();
        var rate = inside.Count >= 2
            ? (inside[^1].Received - inside[0].Received) / (inside[^1].At - inside[0].At).TotalSeconds
            : messages / harnessSeconds;
        var journal = module.Process.Lines.LastOrDefault(l => l.Contains("Journal: ", StringComparison.Ordinal)) is { } j
            ? System.Text.RegularExpressions.Regex.Replace(j, @"^.*\] - Journal: ", string.Empty).Split(';')[0]
            : "–";
        await module.Process.TerminateAsync(TimeSpan.FromSeconds(150));
        return new Result(name, durable, backlog, rate, messages / producerSeconds, journal);
    }

    private sealed record Result(string Name, bool Durable, bool Backlog, double ModuleRate, double ProducerRate, string JournalLine);
}
