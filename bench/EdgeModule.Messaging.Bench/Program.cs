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
var removing = new List<(string Backend, string Phase, double Off, double OffBest, double On, double OnBest)>();
foreach (var (backend, open) in backends)
{
    // Three cases per round: the message store as configured by default, the same with RemoveOnCheckpoint, raw work.
    var cases = new[] { new List<Dictionary<string, double>>(), [], [] };
    for (var r = 0; r < rounds; r++)
    {
        // Rotate which goes first so none always gets the warmer machine.
        foreach (var c in Enumerable.Range(0, cases.Length).Select(c => (c + r) % cases.Length))
        {
            var dir = Path.Combine(work.FullName, $"{backend}-{r}-{c}");
            using (var kv = open(dir))
            {
                cases[c].Add(c switch
                {
                    0 => Workloads.MessageStore(kv, count),
                    1 => Workloads.MessageStore(kv, count, removeOnCheckpoint: true),
                    _ => Workloads.Raw(kv, record, count),
                });
            }

            // Start every case on an empty heap, so no case pays for the garbage of the one before.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    var (store, on, raw) = (cases[0], cases[1], cases[2]);
    foreach (var phase in store[0].Keys)
    {
        results.Add((backend, phase, Median(store.Select(s => s[phase])), store.Max(s => s[phase]), Median(raw.Select(s => s[phase])), raw.Max(s => s[phase])));
        removing.Add((backend, phase, Median(store.Select(s => s[phase])), store.Max(s => s[phase]), Median(on.Select(s => s[phase])), on.Max(s => s[phase])));
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

report.AppendLine();
report.AppendLine("RemoveOnCheckpoint (memory mode with the journal): the same phases with the option on, beside the default (off) as the baseline, same run. With it on, the checkpoint write also removes the delivered entries and records, so cleanup finds nothing (its row measures an empty pass).");
report.AppendLine();
report.AppendLine("| backend | phase | off msg/s median | best | on msg/s median | best | on / off (median) |");
report.AppendLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var (backend, phase, off, offBest, on, onBest) in removing)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {backend} | {phase} | {off:N0} | {offBest:N0} | {on:N0} | {onBest:N0} | {on / off:0.00} |");
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
