using System.Globalization;
using EdgeModule.Backup.Bench;

// Backup benchmark: backup and restore of stores of each size, in-memory and RocksDB, beside the raw speed of the
// same disk measured in the same run (FileStream write of the same byte count + flush to disk; read back).
// Usage: dotnet run -c Release --project bench/EdgeModule.Backup.Bench -- [--sizes 100,1024] [--dir /path]
//        [--backends memory,rocksdb] [--drop-caches] [--runs 5] [--out report.md]
if (args.Length > 0 && args[0] == FreshProcess.ChildFlag)
{
    return FreshProcess.ChildMain(args);
}

var sizesMb = new[] { 100L, 1024L };
var backends = new[] { "memory", "rocksdb" };
var folder = Path.GetTempPath();
var dropCaches = false;
var runs = 5;
string? reportPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--sizes": sizesMb = args[++i].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--backends": backends = args[++i].Split(','); break;
        case "--dir": folder = args[++i]; break;
        case "--drop-caches": dropCaches = true; break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": reportPath = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

// Warm-up: JIT the whole path on a small store so the first measured run is not the slowest.
var warmup = Directory.CreateDirectory(Path.Combine(folder, $"edgemodule-backup-warmup-{Guid.NewGuid():N}"));
foreach (var backend in backends)
{
    Scenario.Run(warmup.FullName, backend, 8 << 20, dropCaches: false);
}

warmup.Delete(recursive: true);

var loadBefore = Load();
var work = Directory.CreateDirectory(Path.Combine(folder, $"edgemodule-backup-bench-{Guid.NewGuid():N}"));
var rows = new List<Row>();
try
{
    foreach (var mb in sizesMb)
    {
        foreach (var backend in backends)
        {
            Console.Error.WriteLine($"-- {backend}, {mb} MB");
            rows.Add(Scenario.Run(work.FullName, backend, mb << 20, dropCaches, runs));
            GC.Collect();
        }
    }
}
finally
{
    work.Delete(recursive: true);
}

var report = Row.Format(rows, Environment.ProcessorCount, dropCaches, loadBefore, Load(), runs);
Console.WriteLine(report);
if (reportPath is not null)
{
    File.WriteAllText(reportPath, report);
}

return 0;

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
