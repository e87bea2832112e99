using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeModule.Storage;
using EdgeModule.Storage.Bench;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

// Storage benchmark: the message-queue pattern on both backends, beside the RocksDB C API measured in the same run.
// Usage: dotnet run -c Release --project bench/EdgeModule.Storage.Bench -- [--ops N] [--out report.md]
var ops = 1_000_000;
string? reportPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--ops": ops = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": reportPath = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var work = Directory.CreateTempSubdirectory("edgemodule-storage-bench-");
var rows = new List<Row>();
var keys = Workloads.CreateKeys(ops);
var baseline = NativeBaseline.Run(work.FullName, ops);

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
        var suffix = backend == "rocksdb-nowal" ? "-nowal" : "";
        using (var store = open(Path.Combine(work.FullName, $"{backend}-{threads}-a")))
        {
            var p = store.GetOrCreatePartition("bench");
            Add("put", backend, threads, Workloads.Put(p, keys, threads), backend.StartsWith("rocksdb", StringComparison.Ordinal) && threads == 1 ? baseline.GetValueOrDefault("put-single" + suffix) : null);
            Add("get", backend, threads, Workloads.Get(p, keys, threads), null);
            Add("seek+scan100", backend, threads, Workloads.SeekAndScan(p, keys, threads), null);
            Add("delete-from-head", backend, threads, Workloads.DeleteFromHead(p, keys, threads), null);
        }

        using (var store = open(Path.Combine(work.FullName, $"{backend}-{threads}-b")))
        {
            var p = store.GetOrCreatePartition("bench");
            Add("put (batch 1000)", backend, threads, Workloads.PutBatched(store, p, keys, threads, 1000), backend.StartsWith("rocksdb", StringComparison.Ordinal) && threads == 1 ? baseline.GetValueOrDefault("put-batch1000" + suffix) : null);
        }

        GC.Collect();
    }
}

work.Delete(recursive: true);

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Storage benchmark: {ops:N0} ops a case, 16-byte big-endian keys, {Workloads.ValueBytes}-byte values, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.AppendLine(CultureInfo.InvariantCulture, $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, concurrent {AppContext.TryGetSwitch("System.GC.Concurrent", out var concurrent) && concurrent}; load average before the run: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
report.AppendLine("Baseline: the RocksDB C API doing the same writes (bench/native/rocksdb_baseline.c), same run, same options.");
report.AppendLine("seek+scan100 counts entries read (a seek every 100).");
report.AppendLine();
report.AppendLine("| workload | backend | threads | ops/s | C API ops/s | binding / C API |");
report.AppendLine("|---|---|---:|---:|---:|---:|");
foreach (var r in rows)
{
    var b = r.Baseline is double v ? v.ToString("N0", CultureInfo.InvariantCulture) : "";
    var ratio = r.Baseline is double w ? (r.OpsPerSecond / w).ToString("0.00", CultureInfo.InvariantCulture) : "";
    report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Workload} | {r.Backend} | {r.Threads} | {r.OpsPerSecond:N0} | {b} | {ratio} |");
}

Console.WriteLine(report);
if (reportPath is not null)
{
    File.WriteAllText(reportPath, report.ToString());
}

return 0;

void Add(string workload, string backend, int threads, double opsPerSecond, double? baselineOps)
{
    rows.Add(new Row(workload, backend, threads, opsPerSecond, baselineOps));
    Console.Error.WriteLine($"{workload,-18} {backend,-14} {threads} {opsPerSecond,14:N0}");
}

internal sealed record Row(string Workload, string Backend, int Threads, double OpsPerSecond, double? Baseline);

/// <summary>Compiles and runs the C baseline; an empty result (and a note) when gcc or the header is missing.</summary>
internal static class NativeBaseline
{
    public static Dictionary<string, double?> Run(string workDir, int ops)
    {
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
