namespace EdgeModule.Backup.Bench;

/// <summary>
/// What one writer thread saw. A put slower than 1 ms is a stall; the stall time is split into
/// <list type="bullet">
/// <item>GC: the garbage collector's pause inside the put (it stops every thread, backup or not; the writer's own
/// garbage causes most of it);</item>
/// <item>CPU wait: the thread was runnable but had no core (the kernel's run-queue delay);</item>
/// <item>blocked: neither running, nor runnable, nor in a GC: waiting for a lock or the disk. This is what a backup
/// could impose on writers; an overestimate when a GC and the put's own work both happened in one put;</item>
/// <item>running: the rest, the put's own work.</item>
/// </list>
/// <see cref="GcPauseMs"/> is all GC pause time in the window, inside stalls or not. <see cref="StoreStallMs"/> is, for
/// RocksDB, the time its write controller held writers back in the window (rocksdb.stats "Cumulative stall": too many
/// memtables waiting for a flush, or too many level-0 files): the store's own back-pressure, part of "blocked".
/// </summary>
internal readonly record struct WriterStall(
    double TotalMs, double GcMs, double CpuWaitMs, double BlockedMs, double MaxBlockedMs, double MaxMs, long Ops, double GcPauseMs, double? StoreStallMs = null)
{
    public double RunningMs => TotalMs - GcMs - CpuWaitMs - BlockedMs;
}
