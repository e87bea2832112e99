namespace EdgeModule.Backup;

/// <summary>A generation that failed verification and was moved out of the way, with its reason file beside it.</summary>
public sealed record QuarantinedBackup(string OriginalPath, string QuarantinePath, string ReasonPath, string Reason);
