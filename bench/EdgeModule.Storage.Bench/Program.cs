using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeModule.Storage;
using EdgeModule.Storage.Bench;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

// Storage benchmark: the message-queue pattern on both backends, beside the RocksDB C API measured in the same run.
// Usage: dotnet run -c Release --project bench/EdgeModule.Storage.Bench -- [--ops N] [--rounds R] [--out report.md]
// Every case runs R times in a row, each on a fresh store: round 1 is reported as "cold" (for the first case, the
// process touches its memory for the first time), the median of the later rounds as the steady state a long-running
// module sees.
var ops = 1_000_000;
var rounds = 3;
string? reportPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--ops": ops = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = Math.Max(2, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
        case "--out": reportPath = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var work = Directory.CreateTempSubdirectory("edgemodule-storage-bench-");
var rows = new List<Row>();
var samples = new Dictionary<(string Workload, string Backend, int Threads), List<double>>();
var keys = Workloads.CreateKeys(ops);
var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
var baselineRuns = Enumerable.Range(0, rounds).Select(r => NativeBaseline.Run(Path.Combine(work.FullName, $"c-{r}"), ops)).ToList();
var baseline = baselineRuns[0].Keys.ToDictionary(k => k, k => (double?)Median(baselineRuns.Select(b => b[k] ?? 0).ToList()));
var firstTouch = FirstTouch.Measure(ops * (long)(Workloads.ValueBytes + 16));

(string Name, Func<string, IKeyValueStore> Open)[] backends =
[
    ("memory", _ => new InMemoryStore()),
    ("rocksdb", dir => new RocksDbStore(new RocksDbStoreOptions { Path = dir })),
    ("rocksdb-nowal", dir => new RocksDbStore(new RocksDbStoreOptions { Path = dir, DisableWal = true })),
];

foreach (var (backend, open) in backends)
{
    foreach (var threads in new[] { 1, 2 })
    {
        // The rounds of a case run back to back, as a module's writes follow each other: the GC reuses the memory
        // the previous round's store gave back, instead of mapping it afresh after other backends ran in between.
        for (var round = 0; round < rounds; round++)
        {
            using (var store = open(Path.Combine(work.FullName, $"{backend}-{threads}-a-{round}")))
            {
                var p = store.GetOrCreatePartition("bench");
                Sample("put", backend, threads, Workloads.Put(p, keys, threads));
                Sample("get", backend, threads, Workloads.Get(p, keys, threads));
                Sample("seek+scan100", backend, threads, Workloads.SeekAndScan(p, keys, threads));
                Sample("delete-from-head", backend, threads, Workloads.DeleteFromHead(p, keys, threads));
            }

            using (var store = open(Path.Combine(work.FullName, $"{backend}-{threads}-b-{round}")))
            {
                var p = store.GetOrCreatePartition("bench");
                Sample("put (batch 1000)", backend, threads, Workloads.PutBatched(store, p, keys, threads, 1000));
            }

            GC.Collect();
        }
    }
}

foreach (var ((workload, backend, threads), values) in samples)
{
    var suffix = backend == "rocksdb-nowal" ? "-nowal" : "";
    var cName = workload switch { "put" => "put-single", "put (batch 1000)" => "put-batch1000", _ => null };
    var c = cName is not null && threads == 1 && backend.StartsWith("rocksdb", StringComparison.Ordinal) ? baseline.GetValueOrDefault(cName + suffix) : null;
    rows.Add(new Row(workload, backend, threads, values[0], Median(values.Skip(1).ToList()), c));
}

work.Delete(recursive: true);

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Storage benchmark: {ops:N0} ops a case, 16-byte big-endian keys, {Workloads.ValueBytes}-byte values, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.AppendLine(CultureInfo.InvariantCulture, $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, concurrent {AppContext.TryGetSwitch("System.GC.Concurrent", out var concurrent) && concurrent}; load average before the run: {loadBefore}, after: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
report.AppendLine(CultureInfo.InvariantCulture, $"Rounds: {rounds} of each case in a row, each on a fresh store. 'cold' is round 1 (for the first case, the first touch of the process's memory); 'ops/s' is the median of rounds 2-{rounds} (steady state).");
report.AppendLine(CultureInfo.InvariantCulture, $"First-touch baseline, same run: the kernel maps {firstTouch.Bytes / (1 << 20):N0} MiB (the keys and values of one put case) in {firstTouch.Milliseconds:N0} ms on first write = {firstTouch.NanosecondsPerPut(ops):N0} ns per put; the same pages touched again take {firstTouch.WarmMilliseconds:N0} ms.");
report.AppendLine("C API: the RocksDB C API doing the same writes (bench/native/rocksdb_baseline.c), median of the same number of runs, same options.");
report.AppendLine("seek+scan100 counts entries read (a seek every 100).");
report.AppendLine();
report.AppendLine("| workload | backend | threads | ops/s (steady) | cold (round 1) | C API ops/s | binding / C API |");
report.AppendLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var r in rows)
{
    var b = r.Baseline is double v ? v.ToString("N0", CultureInfo.InvariantCulture) : "";
    var ratio = r.Baseline is double w ? (r.OpsPerSecond / w).ToString("0.00", CultureInfo.InvariantCulture) : "";
    report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Workload} | {r.Backend} | {r.Threads} | {r.OpsPerSecond:N0} | {r.Cold:N0} | {b} | {ratio} |");
}

Console.WriteLine(report);
if (reportPath is not null)
{
    File.WriteAllText(reportPath, report.ToString());
}

return 0;

void Sample(string workload, string backend, int threads, double opsPerSecond)
{
    var key = (workload, backend, threads);
    if (!samples.TryGetValue(key, out var list))
    {
        samples[key] = list = [];
    }

    list.Add(opsPerSecond);
    Console.Error.WriteLine($"{workload,-18} {backend,-14} {threads} {opsPerSecond,14:N0}");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

internal sealed record Row(string Workload, string Backend, int Threads, double Cold, double OpsPerSecond, double? Baseline);

/// <summary>Compiles and runs the C baseline; an empty result (and a note) when gcc or the header is missing.</summary>
internal static class NativeBaseline
{
    public static Dictionary<string, double?> Run(string workDir, int ops)
    {
        Directory.CreateDirectory(workDir);
        var result = new Dictionary<string, double?>();
        var source = Path.Combine(AppContext.BaseDirectory, "rocksdb_baseline.c");
        var binary = Path.Combine(workDir, "rocksdb_baseline");
        if (!Exec("gcc", $"-O2 -o {binary} {source} -lrocksdb", out var error))
        {
            Console.Error.WriteLine($"No C baseline (gcc/librocksdb-dev needed): {error}");
            return result;
        }

        if (!Exec(binary, $"{workDir} {ops}", out var output))
        {
            Console.Error.WriteLine($"The C baseline failed: {output}");
            return result;
        }

        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["baseline", var name, var value])
            {
                result[name] = double.Parse(value, CultureInfo.InvariantCulture);
                Console.Error.WriteLine($"C API {name,-22} {result[name],14:N0}");
            }
        }

        return result;
    }

    private static bool Exec(string file, string arguments, out string output)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            output = stdout.Result + stderr;
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return false;
        }
    }
}
