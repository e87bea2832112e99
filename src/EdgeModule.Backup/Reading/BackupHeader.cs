namespace EdgeModule.Backup;

/// <summary>The file header: who wrote the backup, when, and of what.</summary>
/// <param name="FormatVersion">The format version of the file.</param>
/// <param name="CreatedAt">When the writer started (the snapshot was taken just after).</param>
/// <param name="Generation">The generation number the writer gave the file (also in its name).</param>
/// <param name="Sequence">The source store's sequence number at the snapshot.</param>
/// <param name="BackendName">The source store's backend ("memory", "rocksdb").</param>
/// <param name="SourceIdentity">The source store's identity.</param>
public sealed record BackupHeader(
    int FormatVersion,
    DateTimeOffset CreatedAt,
    long Generation,
    long Sequence,
    string BackendName,
    string SourceIdentity);
