namespace EdgeModule.Backup.Bench;

/// <summary>
/// What one writer thread saw: its slowest put, the sum of puts slower than 1 ms, how many puts it made, and the
/// garbage collector's pause time in the same window (which stalls every thread, backup or not).
/// </summary>
internal readonly record struct WriterStall(double MaxMs, double TotalMs, long Ops, double GcPauseMs);
