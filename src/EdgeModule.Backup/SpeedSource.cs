namespace EdgeModule.Backup;

/// <summary>Where an estimate's write speed came from, best first.</summary>
public enum SpeedSource
{
    /// <summary>Measured by a backup in this process.</summary>
    Measured,

    /// <summary>Read from the newest generation's commit frame (its size and write time).</summary>
    LastBackupFile,

    /// <summary>Measured by <see cref="BackupManager.MeasureWriteSpeed"/>.</summary>
    Probe,

    /// <summary>No figure yet: the estimate cannot say whether a backup fits.</summary>
    Unknown,
}
