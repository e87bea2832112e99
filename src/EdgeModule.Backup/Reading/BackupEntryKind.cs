namespace EdgeModule.Backup;

/// <summary>What <see cref="BackupReader.Read"/> moved to.</summary>
public enum BackupEntryKind
{
    /// <summary>The file header (<see cref="BackupReader.Header"/>).</summary>
    Header,

    /// <summary>The start of a segment.</summary>
    SegmentStart,

    /// <summary>A partition starts (<see cref="BackupReader.PartitionName"/>); its records follow.</summary>
    Partition,

    /// <summary>A record of the current partition (<see cref="BackupReader.Key"/>, <see cref="BackupReader.Value"/>).</summary>
    Record,

    /// <summary>A segment was committed (<see cref="BackupReader.LastCommit"/>).</summary>
    Commit,

    /// <summary>The file ended cleanly after a commit.</summary>
    End,

    /// <summary>A delta segment removes <see cref="BackupReader.Key"/> from the current partition.</summary>
    Remove,

    /// <summary>A delta segment drops the partition <see cref="BackupReader.PartitionName"/> (before any Partition frame of that name).</summary>
    DropPartition,
}
