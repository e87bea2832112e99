namespace EdgeModule.Backup.Format;

/// <summary>
/// The type byte of a frame. Values are frozen by the format (docs/backup-format.md); new types need a format version
/// bump, except that types 0x80..0xFF are reserved for optional frames a reader may skip.
/// </summary>
public enum FrameType : byte
{
    /// <summary>First frame of every file: magic, format version, creation time, source store.</summary>
    FileHeader = 0x01,

    /// <summary>Opens a segment: a full image of the store (later also a delta on top of the previous segments).</summary>
    SegmentStart = 0x02,

    /// <summary>Starts a partition; the record frames that follow belong to it.</summary>
    Partition = 0x03,

    /// <summary>One key and its value in the current partition.</summary>
    Record = 0x04,

    /// <summary>Delta segments (from version 2): a key of the current partition removed since the previous segment; the payload is the key.</summary>
    Remove = 0x05,

    /// <summary>Delta segments (from version 2): a partition dropped (with all its keys) since the previous segment.</summary>
    DropPartition = 0x06,

    /// <summary>
    /// Delta segments (from version 3): records of consecutive keys (each the big-endian increment of the one before,
    /// same length). Payload: varint key length, the first key, then per key a varint value length and the value.
    /// </summary>
    RecordRun = 0x07,

    /// <summary>Delta segments (from version 3): removals of consecutive keys. Payload: varint count, then the first key (the rest).</summary>
    RemoveRun = 0x08,

    /// <summary>Closes a segment: counts, the digest of everything before it and the commit mark.</summary>
    Commit = 0x7F,
}
