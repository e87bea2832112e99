namespace EdgeModule.Backup.Bench;

/// <summary>What one writer thread saw: its slowest put, the sum of puts slower than 1 ms, and how many puts it made.</summary>
internal readonly record struct WriterStall(double MaxMs, double TotalMs, long Ops);
