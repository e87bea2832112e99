namespace EdgeModule.Operations;

/// <summary>One backup's result as the operator sees it: when, which generation, or why it failed.</summary>
public sealed record BackupOutcome(bool Succeeded, DateTimeOffset At, long? Generation, string? Error);
