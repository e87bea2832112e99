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
            foreach (var durable in new[] { false, true })
            {
                results.Add(await OneAsync(bench, string.Create(CultureInfo.InvariantCulture, $"tput-{(durable ? "durable" : "plain")}-{round}"), durable, messages));
            }
        }

        var plain = results.Where(r => !r.Durable).Average(r => r.ModuleRate);
        var durableRate = results.Where(r => r.Durable).Average(r => r.ModuleRate);
        report.Row("4. input throughput, AcknowledgeAfterCheckpoint=true", $"{durableRate:N0} msg/s", $"{plain:N0} msg/s (false)", Report.F(durableRate / plain, 3), "≥ 0.5");
        var lines = new List<string>
        {
            $"{messages:N0} messages of 1 KB per run, upstream down, broker max_inflight_messages {brokerInflight}; {rounds} round(s) of false then true, the row above is the mean of each. Module rate: from its Flow lines; producer rate: all PUBACKs from the broker.",
            string.Empty,
            "| Run | module input msg/s | producer msg/s | flushes (journal line) |",
            "|---|---:|---:|---|",
        };
        lines.AddRange(results.Select(r => string.Create(CultureInfo.InvariantCulture, $"| {r.Name} | {r.ModuleRate:N0} | {r.ProducerRate:N0} | {r.JournalLine} |")));
        report.Section("4. Input throughput with durable acknowledgements", lines);
    }

    private static async Task<Result> OneAsync(BenchContext bench, string name, bool durable, int messages)
    {
        using var module = await Module.StartAsync(bench, name, StoreMode.Journal, bench.LateUpstream.Port, ("AcknowledgeAfterCheckpoint", durable ? "true" : "false"));
        await using var producer = await Producer.ConnectAsync(bench.Receiving.Port, name + "-producer", 1000);
        var started = Stopwatch.GetTimestamp();
        await producer.BurstAsync(name, messages, BenchContext.SmallBody, 1000);
        var producerSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
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
        return new Result(name, durable, rate, messages / producerSeconds, journal);
    }

    private sealed record Result(string Name, bool Durable, double ModuleRate, double ProducerRate, string JournalLine);
}
