using System.Diagnostics;
using System.Globalization;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>
/// 2. write_bytes (and wchar) of the module process during an idle period after a load stopped, journal on, beside the
/// RocksDB module's idle period in the same run.
/// 3. Disk bytes written per delivered 1 KB message at a steady 1,000 msg/s: memory + journal ÷ RocksDB, same load, same
/// duration, (a) upstream up throughout, (b) upstream down for the whole load, then back and drained. write_bytes of
/// the module process from just before the load to after the drain (and two journal intervals more).
/// </summary>
internal static class WriteMeasure
{
    private const int Rate = 1000;

    public static async Task RunAsync(BenchContext bench, Report report, TimeSpan load, TimeSpan idle, bool runIdle)
    {
        // The modules of (a) stay up and idle while the next runs go on: their idle period costs no extra time.
        var ja = await LoadRunAsync(bench, "io-up-journal", StoreMode.Journal, upstreamDown: false, load);
        var jaIdle = runIdle ? IdleAsync(ja.Module, idle) : null;
        var ra = await LoadRunAsync(bench, "io-up-rocksdb", StoreMode.RocksDb, upstreamDown: false, load);
        var raIdle = runIdle ? IdleAsync(ra.Module, idle) : null;
        var jIdle = jaIdle is null ? (IoCounters?)null : await jaIdle;
        await ja.StopAsync();

        var jb = await LoadRunAsync(bench, "io-down-journal", StoreMode.Journal, upstreamDown: true, load);
        await jb.StopAsync();
        bench.LateUpstream.Stop();
        var rIdle = raIdle is null ? (IoCounters?)null : await raIdle;
        await ra.StopAsync();
        var rb = await LoadRunAsync(bench, "io-down-rocksdb", StoreMode.RocksDb, upstreamDown: true, load);
        await rb.StopAsync();
        bench.LateUpstream.Stop();

        if (jIdle is { } ji && rIdle is { } ri)
        {
            report.Row($"2. write_bytes in {idle.TotalSeconds:F0} s idle after a load, journal on", $"{ji.WriteBytes:N0} B (wchar {ji.Wchar:N0} B)",
                $"{ri.WriteBytes:N0} B (wchar {ri.Wchar:N0} B), RocksDB module idle", ri.WriteBytes > 0 ? Report.F((double)ji.WriteBytes / ri.WriteBytes, 3) : "–", "0");
        }

        report.Row("3a. disk bytes / delivered msg, upstream up", $"{Report.F(ja.PerMessage, 0)} B/msg (journal)", $"{Report.F(ra.PerMessage, 0)} B/msg (RocksDB)",
            Report.F(ja.PerMessage / ra.PerMessage, 3), "≤ 0.1");
        report.Row("3b. disk bytes / delivered msg, upstream down then drained", $"{Report.F(jb.PerMessage, 0)} B/msg (journal)", $"{Report.F(rb.PerMessage, 0)} B/msg (RocksDB)",
            Report.F(jb.PerMessage / rb.PerMessage, 3), "≤ 0.5");

        var lines = new List<string>
        {
            $"Steady {Rate} msg/s of 1 KB bodies for {load.TotalSeconds:F0} s per run (one ModuleClient producer, QoS 1); the counters are the module process's `/proc/<pid>/io` from just before the load to after every message was forwarded (the Flow line) and {2 * bench.IntervalMs} ms more. wchar counts every write(2), the log lines on stdout too.",
            string.Empty,
            "| Run | delivered | load → drained | write_bytes | per message | wchar | per message | cancelled_write_bytes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(new[] { ja, ra, jb, rb }.Select(r => r.Describe()));
        if (jIdle is { } a && rIdle is { } b)
        {
            lines.Add(string.Empty);
            lines.Add($"Idle: each module of (a) stays connected with nothing to do for {idle.TotalSeconds:F0} s, starting {2 * bench.IntervalMs} ms after its drain (the journal's last interval passed). Journal: write_bytes {a.WriteBytes:N0} B, wchar {a.Wchar:N0} B; RocksDB: write_bytes {b.WriteBytes:N0} B, wchar {b.Wchar:N0} B.");
        }

        report.Section("2–3. Bytes written by the module process", lines);
    }

    private static async Task<IoCounters> IdleAsync(Module module, TimeSpan idle)
    {
        var start = module.Process.ReadIo();
        await Task.Delay(idle);
        return module.Process.ReadIo().Since(start);
    }

    private static async Task<LoadRun> LoadRunAsync(BenchContext bench, string name, StoreMode mode, bool upstreamDown, TimeSpan duration)
    {
        var upstream = upstreamDown ? bench.LateUpstream : bench.Upstream;
        if (upstreamDown)
        {
            bench.LateUpstream.Stop();
        }

        var module = await Module.StartAsync(bench, name, mode, upstream.Port);
        try
        {
            await using var producer = await Producer.ConnectAsync(bench.Receiving.Port, name + "-producer", 1000);
            var before = module.Process.ReadIo();
            var started = Stopwatch.GetTimestamp();
            using var stop = new CancellationTokenSource(duration);
            var sent = await producer.SteadyAsync(name, Rate, 0, BenchContext.SmallBody, stop.Token);
            if (upstreamDown)
            {
                bench.LateUpstream.Start();
            }

            await module.WaitForwardedAsync(sent, TimeSpan.FromMinutes(3));
            var drained = Stopwatch.GetElapsedTime(started);
            await Task.Delay(2 * bench.IntervalMs);
            var io = module.Process.ReadIo().Since(before);
            return new LoadRun(name, module, sent, drained, io);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private sealed record LoadRun(string Name, Module Module, int Delivered, TimeSpan Drained, IoCounters Io)
    {
        public double PerMessage => (double)Io.WriteBytes / Delivered;

        public async Task StopAsync()
        {
            await Module.Process.TerminateAsync(TimeSpan.FromSeconds(150));
            Module.Dispose();
        }

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Delivered:N0} | {Drained.TotalSeconds:F1} s | {Report.Bytes(Io.WriteBytes)} | {(double)Io.WriteBytes / Delivered:F0} B | {Report.Bytes(Io.Wchar)} | {(double)Io.Wchar / Delivered:F0} B | {Report.Bytes(Io.CancelledWriteBytes)} |");
    }
}
