namespace EdgeModule.Backup.Tests.Support;

/// <summary>The shared <see cref="TempDirectory"/> under the name these tests use.</summary>
public sealed class TempFolder(string? prefix = null) : TempDirectory(prefix ?? "backup-tests");
