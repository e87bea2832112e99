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
    double RestoreRocksDbMbps,
    double OnlineBackupMbps,
    WriterStall Online,
    WriterStall Baseline,
    double SnapshotOpenCloseMs)
{
    public static string Format(IReadOnlyList<Row> rows, int cores, bool coldReads)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Backup benchmark ({cores} cores, {DateTime.UtcNow:yyyy-MM-dd}); MB = 2^20 bytes; speeds in MB/s of backup file bytes.");
        s.AppendLine("Targets: backup >= 0.9x raw write; restore into memory >= 0.5x raw read; writer stall during online backup < 50 ms total.");
        s.AppendLine();
        s.AppendLine(coldReads ? "Reads are cold: the page cache is dropped before raw reads and restores." : "Reads are warm (page cache): run as root with --drop-caches for disk reads.");
        s.AppendLine();
        s.AppendLine("| source | store MB | file MB | raw write | backup | ratio | source scan | raw read | restore→memory | ratio | restore→rocksdb | online backup | writer during backup: max / total stall ms (puts; GC pause ms) | same writer, no backup: max / total ms (puts; GC pause ms) | snapshot open+close ms |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Backend} | {r.StoreBytes >> 20} | {r.FileBytes >> 20} | {r.RawWriteMbps:F0} | {r.BackupMbps:F0} | {r.BackupMbps / r.RawWriteMbps:F2} | {r.ScanMbps:F0} | " +
                $"{r.RawReadMbps:F0} | {r.RestoreMemoryMbps:F0} | {r.RestoreMemoryMbps / r.RawReadMbps:F2} | {r.RestoreRocksDbMbps:F0} | " +
                $"{r.OnlineBackupMbps:F0} | {Stall(r.Online)} | {Stall(r.Baseline)} | {r.SnapshotOpenCloseMs:F3} |");
        }

        s.AppendLine();
        s.AppendLine("Raw write: FileStream of the same byte count in 4 MiB writes + Flush(flushToDisk: true). Raw read: the same file read back in 4 MiB reads.");
        s.AppendLine("Backup: snapshot → temp file → fsync → rename → fsync(dir). Restore: verify pass + apply pass into an empty store.");
        s.AppendLine("Source scan: the snapshot read through cursors with no file at all, the CPU-side bound of a backup.");
        s.AppendLine("Backup and raw write: median of 3 runs, alternating. Stall: sum of single-put latencies above 1 ms of one writer thread;");
        s.AppendLine("the baseline runs the same writer for the same time without a backup, so the difference is what the backup costs writers.");
        s.AppendLine("Snapshot open+close: the only steps of a backup that hold the store's write lock / mutex (median of 5).");
        return s.ToString();
    }

    private static string Stall(WriterStall w) =>
        string.Create(CultureInfo.InvariantCulture, $"{w.MaxMs:F1} / {w.TotalMs:F1} ({w.Ops}; GC {w.GcPauseMs:F0})");
}
