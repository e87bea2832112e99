using System.Globalization;
using System.Text;

namespace EdgeModule.Backup.Bench;

/// <summary>One line of the report: a store size and backend, its backup and restore speeds beside the raw disk's.</summary>
internal sealed record Row(
    string Backend,
    long StoreBytes,
    long FileBytes,
    double RawWriteMbps,
    double BackupMbps,
    double ScanMbps,
    double RawReadMbps,
    double RestoreMemoryMbps,
    double RestoreMemoryRatio,
    double FreshRestoreMbps,
    double FreshRestoreRatio,
    long FreshHeapBytes,
    double FirstTouchMs,
    double RestoreRocksDbMbps,
    double OnlineBackupMbps,
    WriterStall Online,
    WriterStall Baseline,
    double SnapshotOpenCloseMs)
{
    public static string Format(IReadOnlyList<Row> rows, int cores, bool coldReads, string loadBefore, string loadAfter, int runs)
    {
        var freshRuns = Scenario.FreshRuns(runs);
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Backup benchmark ({cores} cores, {DateTime.UtcNow:yyyy-MM-dd}); MB = 2^20 bytes; speeds in MB/s of backup file bytes.");
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine load (1/5/15-minute load averages): {loadBefore} at the start, {loadAfter} at the end.");
        s.AppendLine("Targets: backup >= 0.9x raw write; restore into memory >= 0.5x raw read; writer stall during online backup < 50 ms total.");
        s.AppendLine();
        s.AppendLine(coldReads ? "Reads are cold: the page cache is dropped before raw reads and restores." : "Reads are warm (page cache): run as root with --drop-caches for disk reads.");
        s.AppendLine();
        s.AppendLine("| source | store MB | file MB | raw write | backup | ratio | source scan | raw read | restore→memory | ratio | restore→memory, fresh process | ratio | first touch of its heap | restore→rocksdb | online backup | writer during backup: stall ms total = GC + CPU wait + blocked + running (longest blocked; puts; all GC pause ms) | same writer, no backup: the same | snapshot open+close ms |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Backend} | {r.StoreBytes >> 20} | {r.FileBytes >> 20} | {r.RawWriteMbps:F0} | {r.BackupMbps:F0} | {r.BackupMbps / r.RawWriteMbps:F2} | {r.ScanMbps:F0} | " +
                $"{r.RawReadMbps:F0} | {r.RestoreMemoryMbps:F0} | {r.RestoreMemoryRatio:F2} | {r.FreshRestoreMbps:F0} | {r.FreshRestoreRatio:F2} | " +
                $"{r.FirstTouchMs:F0} ms for {r.FreshHeapBytes >> 20} MB | {r.RestoreRocksDbMbps:F0} | " +
                $"{r.OnlineBackupMbps:F0} | {Stall(r.Online)} | {Stall(r.Baseline)} | {r.SnapshotOpenCloseMs:F3} |");
        }

        s.AppendLine();
        s.AppendLine("Raw write: FileStream of the same byte count in 4 MiB writes + Flush(flushToDisk: true). Raw read: the backup file read in 4 MiB reads.");
        s.AppendLine("Backup: snapshot → temp file → fsync → rename → fsync(dir). Restore: one pass into an empty store, checking every frame as it applies.");
        s.AppendLine("Source scan: the snapshot read through scan cursors with no file at all, the CPU-side bound of a backup.");
        s.AppendLine("A RocksDB source is measured once the flushes and compactions its fill started have finished. The backup file is written with");
        s.AppendLine("direct I/O (O_DIRECT, four 4 MiB buffers); the raw write goes through the page cache and its fsync. The restores read a backup");
        s.AppendLine("of the same content made last, after the source store was disposed: at startup a restore runs in a process holding nothing else.");
        s.AppendLine("Restore→memory, fresh process: the same restore run by a child process started for it, as at the module's startup; each");
        s.AppendLine($"of {freshRuns} runs is paired with a raw read of its own (median of the {freshRuns} ratios). The in-process restores reuse memory the");
        s.AppendLine("source store gave back and JIT-optimised code; a fresh process touches every page of the restored store for the first time");
        s.AppendLine("and starts with a cold JIT. First touch of its heap: another fresh process writing one byte into each 4 KiB page of as");
        s.AppendLine("much memory as the restored store's managed heap (the kernel's share alone).");
        s.AppendLine($"Backup and raw write: median of {runs} runs, alternating. Restore→memory and raw read: {runs} runs, alternating; the ratio is the median of");
        s.AppendLine($"the {runs} pairs' ratios. Stall: sum of single-put latencies above 1 ms of one writer thread, split into the GC pause inside");
        s.AppendLine("those puts (stops every thread; mostly the writer's own garbage), waiting for a CPU (run-queue delay from schedstat),");
        s.AppendLine("blocked (not running, not runnable, not in a GC: lock or disk waits, what a backup can impose) and running. The baseline");
        s.AppendLine("runs the same writer for the same time without a backup. 'Blocked' is the backup's share; the rest is the machine's.");
        s.AppendLine("RocksDB stall: the time RocksDB's own write controller held the writer back in the window (rocksdb.stats 'Cumulative");
        s.AppendLine("stall': memtables waiting for a flush, too many level-0 files), counted inside 'blocked'; it happens without a backup too.");
        s.AppendLine("Snapshot open+close: the only steps of a backup that hold the store's write lock / mutex (median of 5).");
        return s.ToString();
    }

    private static string Stall(WriterStall w) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{w.TotalMs:F0} = {w.GcMs:F0} + {w.CpuWaitMs:F0} + {w.BlockedMs:F0} + {w.RunningMs:F0} ({w.MaxBlockedMs:F1}; {w.Ops}; GC {w.GcPauseMs:F0}{(w.StoreStallMs is { } rocks ? $"; RocksDB stall {rocks:F0}" : "")})");
}
