using System.Diagnostics;
using System.Globalization;
using EdgeModule.Backup;
using EdgeModule.Backup.Journal;
using EdgeModule.Journal.Bench;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

// Journal benchmark, each figure beside its baseline from the same run:
//  1. shutdown of a store holding --store-mb of queued messages after steady load: FlushFinal vs a full backup;
//  2. bytes written by the process (/proc/self/io write_bytes) while the journal runs idle for --idle seconds;
//  3. disk bytes per 1 KB message at --rate msg/s for --seconds, memory + journal vs RocksDB, upstream up
//     (each message removed 100 messages later) and upstream down then drained;
//  5. delta bytes per message in the message store's layout, run frames (format version 3) vs plain frames.
// Usage: dotnet run -c Release --project bench/EdgeModule.Journal.Bench -- [--dir /path] [--store-mb 1024]
//        [--rate 1000] [--seconds 20] [--idle 10] [--out report.md]
var folder = Path.GetTempPath();
long storeMb = 1024;
var rate = 1000;
var seconds = 20;
var idleSeconds = 10;
const int MessageBytes = 1024;
string? reportPath = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--dir": folder = args[++i]; break;
        case "--store-mb": storeMb = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rate": rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seconds": seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--idle": idleSeconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": reportPath = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var inv = CultureInfo.InvariantCulture;
var work = Directory.CreateDirectory(Path.Combine(folder, $"edgemodule-journal-bench-{Guid.NewGuid():N}"));
var lines = new List<string>
{
    "# Journal benchmark",
    "",
    string.Create(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, folder {folder}"),
    "",
};
try
{
    // 5 (exact, not timed, so first): what run frames save on the message store's consecutive keys.
    lines.Add("## Delta bytes per message, message store layout");
    lines.Add("");
    lines.Add("| one delta stores N messages (record in `mq.messages`, 21 B entry in `mq.queue.up`, u64 big-endian keys), the next removes them | plain frames (version 2) | run frames (version 3) | saved | ratio |");
    lines.Add("|---|---|---|---|---|");
    foreach (var (count, recordBytes) in new[] { (1000, 1100), (60_000, 1100), (1000, 200) })
    {
        var (plain, runs) = DeltaBytes.Measure(work.FullName, count, recordBytes);
        lines.Add(string.Create(inv, $"| {count:N0} × {recordBytes:N0} B records | {(double)plain / count:F1} B/msg | {(double)runs / count:F1} B/msg | {(double)(plain - runs) / count:F1} B/msg | **{(double)runs / plain:F3}** |"));
    }

    lines.Add("");
    lines.Add("Both columns are the two deltas' bytes, framing, partition frames, segment start and commit included, divided by N.");
    lines.Add("");

    // 1 + 2: shutdown and idle.
    var journalFolder = work.CreateSubdirectory("journal").FullName;
    var fullFolder = work.CreateSubdirectory("full").FullName;
    using (var store = new InMemoryStore())
    {
        Console.Error.WriteLine($"-- filling {storeMb} MB");
        Load.Fill(store, storeMb << 20, MessageBytes, 0);
        var manager = new BackupManager(new BackupOptions { Folder = journalFolder });
        using var journal = BackupJournal.Start(manager, store, null);
        var initial = journal.InitialGeneration!;
        using var stop = new CancellationTokenSource();
        var loop = journal.RunAsync(stop.Token);
        Console.Error.WriteLine($"-- steady load {rate}/s for {seconds} s");
        Load.Steady(store, rate, TimeSpan.FromSeconds(seconds), MessageBytes, removeAfter: 100);
        stop.Cancel();
        await loop;

        var idleLines = new List<string>();
        var clock = Stopwatch.StartNew();
        var final = journal.FlushFinal(DateTimeOffset.UtcNow.AddSeconds(30));
        var shutdown = clock.Elapsed;
        using var idleStop = new CancellationTokenSource();
        var idleLoop = journal.RunAsync(idleStop.Token);
        var flushesBefore = journal.GetStatistics().Flushes;
        var before = Load.ProcessWriteBytes();
        Console.Error.WriteLine($"-- idle {idleSeconds} s");
        Thread.Sleep(TimeSpan.FromSeconds(idleSeconds));
        var idleBytes = Load.ProcessWriteBytes() - before;
        idleStop.Cancel();
        await idleLoop;
        idleLines.Add("## Idle");
        idleLines.Add("");
        idleLines.Add(string.Create(inv, $"write_bytes of the process during {idleSeconds} s with the journal loop running (interval 1 s): **{idleBytes:N0}** (flushes that wrote: {journal.GetStatistics().Flushes - flushesBefore:N0})"));
        idleLines.Add("");
        var full = new BackupManager(new BackupOptions { Folder = fullFolder }).Backup(store);
        lines.Add("## Shutdown after steady load");
        lines.Add("");
        lines.Add("| store | journal FlushFinal | its bytes | full backup (same store, same run) | its bytes | initial full generation |");
        lines.Add("|---|---|---|---|---|---|");
        lines.Add(string.Create(inv, $"| {storeMb} MB | {shutdown.TotalMilliseconds:F1} ms | {final.DeltaBytes:N0} | {full.Elapsed.TotalMilliseconds:F0} ms | {full.FileBytes:N0} | {initial.Elapsed.TotalMilliseconds:F0} ms |"));
        lines.Add("");
        lines.AddRange(idleLines);

    }

    // 4 (first, on a quiet heap): the writer's cost of change capture, puts/s with and without a tracker.
    lines.Add("## Change capture on the write path");
    lines.Add("");
    lines.Add("| 500,000 puts of 16 B keys and 1 KB values (one thread, a put and a remove 100 keys behind each) | puts/s |");
    lines.Add("|---|---|");
    foreach (var tracked in new[] { false, true, false, true })
    {
        using var store = new InMemoryStore();
        var tracker = tracked ? store.EnableChangeTracking() : null;
        var partition = store.GetOrCreatePartition("messages");
        var value = new byte[MessageBytes];
        var key = new byte[16];
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < 500_000; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key, i);
            partition.Put(key, value);
            if (i >= 100)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key, i - 100);
                partition.Remove(key);
            }

            if (tracker is not null && i % 1000 == 999)
            {
                tracker.Drain();
            }
        }

        lines.Add(string.Create(inv, $"| {(tracked ? "tracked, drained every 1,000 puts" : "untracked (baseline)")} | {500_000 / clock.Elapsed.TotalSeconds:N0} |"));
    }

    lines.Add("");

    // 3: bytes per message, journal vs RocksDB, same operations.
    lines.Add("## Disk bytes per 1 KB message");
    lines.Add("");
    lines.Add("| load | memory + journal | RocksDB | ratio |");
    lines.Add("|---|---|---|---|");
    foreach (var (name, removeAfter) in new (string, int?)[] { ("upstream up (removed 100 messages later)", 100), ("upstream down, then drained", null) })
    {
        Console.Error.WriteLine($"-- per message: {name}");
        long journalBytes, messages;
        var jf = work.CreateSubdirectory($"j-{Guid.NewGuid():N}").FullName;
        using (var store = new InMemoryStore())
        {
            using var journal = BackupJournal.Start(new BackupManager(new BackupOptions { Folder = jf }), store, null);
            using var stop = new CancellationTokenSource();
            var before = Load.ProcessWriteBytes();
            var loop = journal.RunAsync(stop.Token);
            messages = Load.Steady(store, rate, TimeSpan.FromSeconds(seconds), MessageBytes, removeAfter);
            stop.Cancel();
            await loop;
            journal.FlushFinal(DateTimeOffset.UtcNow.AddSeconds(30));
            journalBytes = Load.ProcessWriteBytes() - before;
        }

        long rocksBytes, rocksMessages;
        var rf = work.CreateSubdirectory($"r-{Guid.NewGuid():N}").FullName;
        var rocksBefore = Load.ProcessWriteBytes();
        using (var rocks = new RocksDbStore(new RocksDbStoreOptions { Path = rf }))
        {
            rocksMessages = Load.Steady(rocks, rate, TimeSpan.FromSeconds(seconds), MessageBytes, removeAfter);
        }

        rocksBytes = Load.ProcessWriteBytes() - rocksBefore;
        var perJournal = (double)journalBytes / messages;
        var perRocks = (double)rocksBytes / rocksMessages;
        lines.Add(string.Create(inv, $"| {name}, {rate}/s, {seconds} s | {perJournal:F0} B/msg ({messages:N0} msgs) | {perRocks:F0} B/msg ({rocksMessages:N0} msgs) | **{perJournal / perRocks:F3}** |"));
    }

    lines.Add("");
    lines.Add("RocksDB's figure is its write-ahead log and the memtable flush at close (no compaction in so short a run). The");
    lines.Add("journal's includes its initial (empty) full generation. write_bytes counts what the process sent to the block");
    lines.Add("layer (page cache writeback attributed to it), which is what wears the flash.");
}
finally
{
    work.Delete(recursive: true);
}

var report = string.Join('\n', lines) + "\n";
Console.Write(report);
if (reportPath is not null)
{
    File.WriteAllText(reportPath, report);
}

return 0;
