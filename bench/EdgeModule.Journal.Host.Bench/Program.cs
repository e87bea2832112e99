using System.Diagnostics;
using System.Globalization;
using EdgeModule.Journal.Host.Bench;

// Whole-process benchmark of the journal (issue 13). The unit is the built module process between two real mosquitto
// brokers on fixed loopback ports (20000–29999, outside the ephemeral range, so an upstream can go down and come back
// on its port). Every figure is printed beside a baseline from the same run; see last-report.md beside this file.
//   1. SIGTERM → exit with ~1 GiB queued, journal on (the 217 line), beside the full shutdown backup (CheckpointIntervalMs=0).
//   2. write_bytes / wchar of the module process while idle after a load, journal on, beside a RocksDB module's.
//   3. Disk bytes per delivered 1 KB message at 1,000 msg/s, journal ÷ RocksDB: (a) upstream up, (b) down then drained.
//   4. Input throughput, AcknowledgeAfterCheckpoint=true ÷ false.
//   5. Largest age of a lost acknowledged message over SIGKILLs under load, against the interval + one flush.
// Usage: dotnet run -c Release --project bench/EdgeModule.Journal.Host.Bench -- [--only 1,2,3,4,5] [--fill-mib 1024]
//   [--load-seconds 60] [--idle-seconds 60] [--messages 100000] [--rounds 2] [--kills 20] [--interval-ms 1000]
//   [--broker-inflight 1000] [--report path.md]
// Build src/EdgeModule in Release first.
var options = ParseArgs(args);
var only = options.GetValueOrDefault("only", "1,2,3,4,5").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
int Int(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var root = FindRoot();
var moduleDll = Path.Combine(root, "src/EdgeModule/bin/Release/net10.0/EdgeModule.dll");
if (!File.Exists(moduleDll))
{
    Console.Error.WriteLine($"Build the module first: dotnet build -c Release src/EdgeModule ({moduleDll} missing)");
    return 1;
}

var inflight = Int("broker-inflight", 1000);
var report = new Report();
var loadBefore = BenchContext.LoadAverage();
var started = DateTime.UtcNow;
var clock = Stopwatch.StartNew();
var failures = new List<string>();
var loads = new List<string>();
using (var bench = new BenchContext(moduleDll, Int("interval-ms", 1000), inflight))
{
    Console.WriteLine($"ports: receiving {bench.Receiving.Port}, upstream {bench.Upstream.Port}, late upstream {bench.LateUpstream.Port}; work {bench.Work}");
    var measures = new (int Number, Func<Task> Run)[]
    {
        (1, () => ShutdownMeasure.RunAsync(bench, report, Int("fill-mib", 1024))),
        (2, () => WriteMeasure.RunAsync(bench, report, TimeSpan.FromSeconds(Int("load-seconds", 60)), TimeSpan.FromSeconds(Int("idle-seconds", 60)), runIdle: true)),
        (4, () => ThroughputMeasure.RunAsync(bench, report, Int("messages", 100_000), Int("rounds", 2), inflight)),
        (5, () => KillMeasure.RunAsync(bench, report, Int("kills", 20))),
    };
    foreach (var (number, run) in measures)
    {
        // Measures 2 and 3 share their runs: either number selects them.
        if (!only.Contains(number) && !(number == 2 && only.Contains(3)))
        {
            continue;
        }

        var at = clock.Elapsed;
        try
        {
            await run();
        }
#pragma warning disable CA1031 // One measure failing is reported and the others still run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failures.Add($"measure {number} failed: {e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine(failures[^1]);
        }

        loads.Add(string.Create(CultureInfo.InvariantCulture, $"measure {number}: {(clock.Elapsed - at).TotalSeconds:F0} s, load average after {BenchContext.LoadAverage()}"));
    }
}

var header = string.Create(CultureInfo.InvariantCulture,
    $"# Journal whole-process benchmark (run {started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {clock.Elapsed.TotalMinutes:F1} min)\n\nLoad average (1 min) before: {loadBefore}; {string.Join("; ", loads)}. Journal interval {Int("interval-ms", 1000)} ms, broker max_inflight_messages {inflight}.");
if (failures.Count > 0)
{
    header += "\n\n" + string.Join("\n", failures.Select(f => "**" + f.ReplaceLineEndings(" ") + "**"));
}

var markdown = report.ToMarkdown(header) + string.Create(CultureInfo.InvariantCulture, $$"""
    ### How to run

    ```
    dotnet build -c Release src/EdgeModule
    dotnet run -c Release --project bench/EdgeModule.Journal.Host.Bench -- --report bench/EdgeModule.Journal.Host.Bench/last-report.md
    ```

    This run: `{{string.Join(' ', args)}}`. Options: `--only 1,2,3,4,5` (2 and 3 share their runs), `--fill-mib`, `--load-seconds`,
    `--idle-seconds`, `--messages`, `--rounds`, `--kills`, `--interval-ms`, `--broker-inflight`, `--report`; `BENCH_LOG_DIR=dir` keeps
    every module's output. Needs mosquitto (`/usr/sbin/mosquitto`, `mosquitto_sub`) and about 3 GiB of free memory; it uses three
    loopback ports from 20000–29999 and a temporary folder, both released at the end.

    """);
Console.WriteLine();
Console.WriteLine(markdown);
if (options.TryGetValue("report", out var reportPath))
{
    await File.WriteAllTextAsync(reportPath, markdown);
}

return failures.Count == 0 ? 0 : 1;

static Dictionary<string, string> ParseArgs(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"expected --name value, got '{args[i]}'");
        }

        options[args[i][2..]] = args[i + 1];
    }

    return options;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "EdgeModule.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
