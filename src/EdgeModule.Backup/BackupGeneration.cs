namespace EdgeModule.Backup;

/// <summary>A complete generation in the backup folder (its content is not checked by listing it).</summary>
/// <param name="Number">The generation number; higher is newer.</param>
/// <param name="Path">The file.</param>
/// <param name="Bytes">The file's length.</param>
/// <param name="TimesRestored">How often this generation was restored (from its marker file).</param>
public sealed record BackupGeneration(long Number, string Path, long Bytes, int TimesRestored);
