namespace EdgeModule.Backup;

/// <summary>Why a backup file is not usable, if it is not.</summary>
public enum BackupProblem
{
    /// <summary>The file is sound.</summary>
    None,

    /// <summary>A check failed (damage, truncation, not a backup): quarantine it.</summary>
    Corrupt,

    /// <summary>A newer format version wrote it: leave it for a newer build.</summary>
    UnsupportedVersion,

    /// <summary>The file could not be read at all (permissions, I/O error): reported and left in place.</summary>
    Unreadable,
}
