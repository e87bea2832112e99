using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>
/// 1. Shutdown of a module holding ~1 GiB of queued messages (upstream down) while a steady 1 KB load runs: SIGTERM →
/// exit and the 217 line's flush time with the journal on, beside the full shutdown backup of the same messages
/// (CheckpointIntervalMs=0) in the same run.
/// </summary>
internal static partial class ShutdownMeasure
{
    private const int SteadyRate = 1000;

    public static async Task RunAsync(BenchContext bench, Report report, int fillMiB)
    {
        var journal = await OneAsync(bench, "shutdown-journal", StoreMode.Journal, fillMiB);
        var full = await OneAsync(bench, "shutdown-full", StoreMode.ShutdownBackup, fillMiB);
        report.Row("1. SIGTERM → exit, 1 GiB queued, journal on", $"{Report.F(journal.Exit.TotalSeconds)} s",
            $"{Report.F(full.Exit.TotalSeconds)} s (full shutdown backup)", Report.F(journal.Exit / full.Exit, 3), "≤ 1 s");
        report.Row("1. shutdown flush (217) vs full backup (204) time", $"{journal.WriteMs} ms ({Report.Bytes(journal.WriteBytes)})",
            $"{full.WriteMs} ms ({Report.Bytes(full.WriteBytes)})", Report.F((double)journal.WriteMs / Math.Max(1, full.WriteMs), 3), "≤ 1 s");
        report.Row("1. shutdown's store part (Pump stopped → Store closed, module time stamps)", $"{journal.StorePartMs} ms", $"{full.StorePartMs} ms",
            Report.F((double)journal.StorePartMs / Math.Max(1, full.StorePartMs), 3), "≤ 1 s");
        report.Section($"1. Shutdown with {fillMiB} MiB queued (64 KiB bodies, upstream down), then {SteadyRate} msg/s of 1 KB during the SIGTERM", [
            "| Run | fill | messages queued at SIGTERM | SIGTERM → exit | phases (module time stamps) | exit code | shutdown line |",
            "|---|---:|---:|---:|---|---:|---|",
            journal.Describe("journal on (CheckpointIntervalMs=" + bench.IntervalMs.ToString(CultureInfo.InvariantCulture) + ")"),
            full.Describe("baseline: CheckpointIntervalMs=0 (full backup at shutdown)"),
            string.Empty,
            "ShutdownWaitPeriod=120 s for both. The fill is as fast as the broker takes it (256 in flight); the steady load then runs for 3 s before the SIGTERM and goes on until the process is gone. With the upstream down the pump's batch waits for a connection (UpstreamSender.ConnectWait, 10 s) and the stop waits for that batch: the first phase is that wait, in both runs; the second holds the journal's last flush or the full backup.",
        ]);
    }

    private static async Task<Result> OneAsync(BenchContext bench, string name, StoreMode mode, int fillMiB)
    {
        var count = fillMiB * 16;
        using var module = await Module.StartAsync(bench, name, mode, bench.LateUpstream.Port);
        await using var filler = await Producer.ConnectAsync(bench.Receiving.Port, name + "-filler", 256);
        var started = Stopwatch.GetTimestamp();
        await filler.BurstAsync(name, count, bench.BigBody, 256);
        await module.WaitReceivedAsync(count, TimeSpan.FromMinutes(10));
        var fill = Stopwatch.GetElapsedTime(started);

        await using var steady = await Producer.ConnectAsync(bench.Receiving.Port, name + "-steady", 1000);
        using var stop = new CancellationTokenSource();
        var load = steady.SteadyAsync(name, SteadyRate, count, BenchContext.SmallBody, stop.Token);
        await module.WaitReceivedAsync(count + (3 * SteadyRate), TimeSpan.FromMinutes(2));
        var queued = module.Flow()[^1].Received;
        var exit = await module.Process.TerminateAsync(TimeSpan.FromSeconds(180));
        await stop.CancelAsync();
        await load;

        var lines = module.Process.Lines;
        var flushed = lines.Select(l => Flushed().Match(l)).FirstOrDefault(m => m.Success);
        var backedUp = lines.Select(l => BackedUp().Match(l)).FirstOrDefault(m => m.Success);
        var line = lines.FirstOrDefault(l => l.Contains("Journal flushed at shutdown", StringComparison.Ordinal)
            || l.Contains("Backup generation", StringComparison.Ordinal) || l.Contains("Backup FAILED", StringComparison.Ordinal)) ?? "(no shutdown line)";
        var (bytes, ms) = (flushed, backedUp) switch
        {
            ({ } f, _) => (long.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(f.Groups[2].Value, CultureInfo.InvariantCulture)),
            (null, { } b) => (long.Parse(b.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(b.Groups[2].Value, CultureInfo.InvariantCulture)),
            _ => (-1L, -1L),
        };
        var began = At(lines, "Shutdown began");
        var pumpStopped = At(lines, "Pump stopped;");
        var closed = At(lines, "Store closed");
        var phases = began is { } b0 && pumpStopped is { } p0 && closed is { } c0
            ? string.Create(CultureInfo.InvariantCulture, $"{(p0 - b0).TotalMilliseconds:F0} ms to stop the inputs and the pump, {(c0 - p0).TotalMilliseconds:F0} ms from there to the store closed")
            : "–";
        var storePart = pumpStopped is { } p1 && closed is { } c1 ? (long)(c1 - p1).TotalMilliseconds : -1;
        var text = Regex.Replace(line, @"^.*\] - ", string.Empty).Replace(bench.Work, "…", StringComparison.Ordinal);
        return new Result(fill, queued, exit, module.Process.Process.ExitCode, bytes, ms, text, phases, storePart);
    }

    /// <summary>The module's own time stamp of the first line holding <paramref name="text"/>.</summary>
    private static DateTime? At(IReadOnlyList<string> lines, string text) =>
        lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line && Stamp().Match(line) is { Success: true } m
            ? DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})")]
    private static partial Regex Stamp();

    [GeneratedRegex(@"Journal flushed at shutdown: (\d+) bytes in (\d+) ms")]
    private static partial Regex Flushed();

    [GeneratedRegex(@"Backup generation \d+ written to .*: (\d+) bytes, .* in (\d+) ms")]
    private static partial Regex BackedUp();

    private sealed record Result(TimeSpan Fill, long Queued, TimeSpan Exit, int ExitCode, long WriteBytes, long WriteMs, string Line, string Phases, long StorePartMs)
    {
        public string Describe(string run) => string.Create(CultureInfo.InvariantCulture,
            $"| {run} | {Fill.TotalSeconds:F1} s | {Queued:N0} | {Exit.TotalSeconds:F2} s | {Phases} | {ExitCode} | {Line.Replace("|", "/", StringComparison.Ordinal)} |");
    }
}
