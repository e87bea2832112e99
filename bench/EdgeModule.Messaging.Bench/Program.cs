using System.Globalization;
using System.Text;
using EdgeModule.Messaging.Bench;
using EdgeModule.Messaging.Layout;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

// Message store benchmark: enqueue, forward-read with checkpoints, cleanup, and the whole cycle, 1 KB bodies, on both
// backends, each beside raw IKeyValueStore work on the same bytes in the same run. Median of --rounds rounds.
// Usage: dotnet run -c Release --project bench/EdgeModule.Messaging.Bench -- [--messages N] [--rounds R] [--out report.md]
var count = 200_000;
var rounds = 5;
string? reportPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--messages": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": reportPath = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
var record = MessageCodec.Encode(Workloads.Message(0), DateTimeOffset.UtcNow.UtcTicks);
var work = Directory.CreateTempSubdirectory("edgemodule-messaging-bench-");
(string Name, Func<string, IKeyValueStore> Open)[] backends =
[
    ("memory", _ => new InMemoryStore()),
    ("rocksdb", dir => new RocksDbStore(new RocksDbStoreOptions { Path = dir })),
];

var results = new List<(string Backend, string Phase, double Store, double StoreBest, double Raw, double RawBest)>();
foreach (var (backend, open) in backends)
{
    var store = new List<Dictionary<string, double>>();
    var raw = new List<Dictionary<string, double>>();
    for (var r = 0; r < rounds; r++)
    {
        // Alternate which goes first so neither always gets the warmer machine.
        foreach (var storeFirst in r % 2 == 0 ? new[] { true, false } : [false, true])
        {
            var dir = Path.Combine(work.FullName, $"{backend}-{r}-{storeFirst}");
            using (var kv = open(dir))
            {
                (storeFirst ? store : raw).Add(storeFirst ? Workloads.MessageStore(kv, count) : Workloads.Raw(kv, record, count));
            }

            // Start every case on an empty heap, so no case pays for the garbage of the one before.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    foreach (var phase in store[0].Keys)
    {
        results.Add((backend, phase, Median(store.Select(s => s[phase])), store.Max(s => s[phase]), Median(raw.Select(s => s[phase])), raw.Max(s => s[phase])));
    }
}

work.Delete(recursive: true);
var loadAfter = File.ReadAllText("/proc/loadavg").Trim();

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Message store benchmark: {count:N0} messages of {Workloads.BodyBytes} B body ({record.Length} B record), one endpoint, read batches of {Workloads.ReadBatchSize}, median of {rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.AppendLine(CultureInfo.InvariantCulture, $"Load average (1/5/15 min, running/total, last pid) before: {loadBefore}; after: {loadAfter}");
report.AppendLine(CultureInfo.InvariantCulture, $"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, concurrent {AppContext.TryGetSwitch("System.GC.Concurrent", out var concurrent) && concurrent} (the module's mode).");
report.AppendLine("Baseline (same run, same backend): raw IKeyValueStore work on the same record bytes — one put per record; a cursor scan copying each value; removes in batches of 8192. Cycle: per 1000 messages enqueue then forward-read all; cleanup every 20,000 (the raw cycle the same, on fresh keys); the cycle is measured after one unmeasured pass of it on the same store.");
report.AppendLine();
report.AppendLine("The machine is shared and loaded, so each cell gives the median and the best round (best = least disturbed).");
report.AppendLine();
report.AppendLine("| backend | phase | message store msg/s median | best | raw store ops/s median | best | store / raw (median) |");
report.AppendLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var (backend, phase, s, sb, w, wb) in results)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {backend} | {phase} | {s:N0} | {sb:N0} | {w:N0} | {wb:N0} | {s / w:0.00} |");
}

Console.WriteLine(report);
if (reportPath is not null)
{
    File.WriteAllText(reportPath, report.ToString());
}

return 0;

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}
