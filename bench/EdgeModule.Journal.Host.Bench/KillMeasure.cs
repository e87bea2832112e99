using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>
/// 5. The largest age of a lost acknowledged message over SIGKILLs under a steady load: rounds of start (restore) →
/// a random 1.5–4 s of a steady 1 KB load that runs through every round → SIGKILL; then the upstream comes up and one
/// last start delivers what was kept. A message's acknowledgement time is the producer's PUBACK from the broker (the
/// module's own comes a little later, so an age is at most that much too large); only messages acknowledged before a
/// kill's signal count, and the age of a lost one is that kill's signal time minus its acknowledgement time.
/// </summary>
internal static partial class KillMeasure
{
    private const int Rate = 1000;

    public static async Task RunAsync(BenchContext bench, Report report, int rounds)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        const string name = "kill";
        var clock = Stopwatch.StartNew();
        var acked = new ConcurrentDictionary<int, TimeSpan>();
        var kills = new List<(TimeSpan Signalled, TimeSpan Exited)>();
        bench.LateUpstream.Stop();
        await using var producer = await Producer.ConnectAsync(bench.Receiving.Port, name + "-producer", 1000);
        using var stop = new CancellationTokenSource();
        Task<int>? load = null;
        var flushes = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            using var module = await Module.StartAsync(bench, name, StoreMode.Journal, bench.LateUpstream.Port);

            // The load starts once the module's session exists on the broker (a plain broker keeps nothing for a
            // session it has not seen subscribe, though it acknowledges the producer).
            load ??= producer.SteadyAsync(name, Rate, 0, BenchContext.SmallBody, stop.Token, clock, acked);
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 4000)));
            var signalled = clock.Elapsed;
            module.Process.Signal(9);
            await module.Process.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            kills.Add((signalled, clock.Elapsed));
            flushes.AddRange(module.Process.Lines.Select(l => LastFlush().Match(l)).Where(m => m.Success)
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        }

        await stop.CancelAsync();
        var sent = load is null ? 0 : await load;

        // Everything kept comes out of the last start once the upstream is back; a subscriber holds it all.
        bench.LateUpstream.Start();
        var delivered = new HashSet<int>();
        using (var subscriber = new ChildProcess("mosquitto_sub", ["-h", "127.0.0.1", "-p", bench.LateUpstream.Port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", "#", "-F", "%t"]))
        {
            await Task.Delay(500);
            using var last = await Module.StartAsync(bench, name, StoreMode.Journal, bench.LateUpstream.Port);
            await subscriber.WaitForAsync(_ => true, TimeSpan.FromSeconds(90), "a first delivery");
            var quiet = 0;
            for (var count = -1; quiet < 10 && subscriber.LineCount < sent; await Task.Delay(500))
            {
                quiet = subscriber.LineCount == count ? quiet + 1 : 0;
                count = subscriber.LineCount;
            }

            await last.Process.TerminateAsync(TimeSpan.FromSeconds(150));
            foreach (var m in subscriber.Lines.Select(l => Number().Match(l)).Where(m => m.Success))
            {
                delivered.Add(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        // Each acknowledged message against the kill that ended the module holding it: the first whose process was gone
        // after the acknowledgement. One acknowledged between that kill's signal and the process's end may have been the
        // module's (the broker acknowledges the producer as it hands the message on): not "acknowledged before the kill".
        var lost = new List<(int N, TimeSpan Age)>();
        var before = 0;
        var dying = 0;
        var afterLastKill = 0;
        foreach (var (n, at) in acked)
        {
            var index = kills.FindIndex(k => k.Exited >= at);
            if (index < 0)
            {
                afterLastKill += delivered.Contains(n) ? 0 : 1;
            }
            else if (at > kills[index].Signalled)
            {
                dying++;
            }
            else
            {
                before++;
                if (!delivered.Contains(n))
                {
                    lost.Add((n, kills[index].Signalled - at));
                }
            }
        }

        var maxAge = lost.Count > 0 ? lost.Max(l => l.Age) : TimeSpan.Zero;
        var window = bench.IntervalMs + (flushes.Count > 0 ? flushes.Max() : 0);
        report.Row($"5. largest age of a lost acked message, {rounds} SIGKILLs", lost.Count > 0 ? $"{maxAge.TotalMilliseconds:F0} ms ({lost.Count} lost)" : "none lost",
            $"{window:F0} ms = interval {bench.IntervalMs} ms + longest flush {window - bench.IntervalMs:F0} ms", Report.F(maxAge.TotalMilliseconds / window, 3), "≤ interval + one flush");
        var ages = lost.Select(l => l.Age.TotalMilliseconds).Order().ToList();
        report.Section($"5. Loss window over {rounds} SIGKILLs under {Rate} msg/s (seed {seed})", [
            $"{sent:N0} sent, {acked.Count:N0} acknowledged by the broker, {before:N0} of them before a kill's signal; {delivered.Count:N0} distinct delivered after the last start.",
            $"Lost (acknowledged before a kill, never delivered): {lost.Count:N0}; ages at the kill: min {(ages.Count > 0 ? ages[0] : 0):F0} ms, median {(ages.Count > 0 ? ages[ages.Count / 2] : 0):F0} ms, max {(ages.Count > 0 ? ages[^1] : 0):F0} ms.",
            $"Acknowledged between a kill's signal and the process's end (not counted): {dying:N0}; acknowledged after the last kill and not delivered (must be 0): {afterLastKill}.",
            $"Kills (signal–exit, ms on the harness clock): {string.Join(", ", kills.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Signalled.TotalMilliseconds:F0}–{k.Exited.TotalMilliseconds:F0}")))}.",
            $"Lost ranges (message numbers, their acknowledgement times in ms): {Ranges(lost.Select(l => l.N), acked)}.",
            $"Flush times seen in the journal lines (last flush of each StatsIntervalSecs): max {(flushes.Count > 0 ? flushes.Max() : 0):F1} ms, mean {(flushes.Count > 0 ? flushes.Average() : 0):F1} ms over {flushes.Count} lines.",
        ]);
    }

    /// <summary>Consecutive numbers as ranges with their first and last acknowledgement times; at most 20 ranges.</summary>
    private static string Ranges(IEnumerable<int> numbers, ConcurrentDictionary<int, TimeSpan> acked)
    {
        var ranges = new List<string>();
        var sorted = numbers.Order().ToList();
        for (var i = 0; i < sorted.Count && ranges.Count < 20;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            ranges.Add(string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}–{sorted[j]} ({acked[sorted[i]].TotalMilliseconds:F0}–{acked[sorted[j]].TotalMilliseconds:F0})"));
            i = j + 1;
        }

        return ranges.Count == 0 ? "none" : string.Join(", ", ranges);
    }

    [GeneratedRegex(@"last flush ([\d.]+) ms")]
    private static partial Regex LastFlush();

    [GeneratedRegex(@"%24\.mid=(\d+)")]
    private static partial Regex Number();
}
