using System.Text;

namespace EdgeModule.Backup.Format;

/// <summary>The frozen constants of the backup file format; docs/backup-format.md is the prose version of this file.</summary>
public static class BackupFormat
{
    /// <summary>The format version this library writes, and the newest it can read.</summary>
    public const ushort CurrentVersion = 3;

    /// <summary>The first version with delta segments (<see cref="SegmentKindDelta"/>, Remove and DropPartition frames).</summary>
    public const ushort FirstDeltaVersion = 2;

    /// <summary>The first version with run frames (<see cref="FrameType.RecordRun"/>, <see cref="FrameType.RemoveRun"/>) in delta segments.</summary>
    public const ushort FirstRunVersion = 3;

    /// <summary>
    /// The most key bytes one run frame stands for (its key count times its key length; 8,192 keys of 8 bytes). A
    /// reader checks it, so that a frame of a few bytes never expands into more keys than this to stage.
    /// </summary>
    public const int MaxRunKeyBytes = 64 << 10;

    /// <summary>Bytes before a frame's payload: u32 payload length, u8 type.</summary>
    public const int FrameHeaderSize = 5;

    /// <summary>Bytes after a frame's payload: the u32 CRC-32C of the frame header and payload.</summary>
    public const int FrameTrailerSize = 4;

    /// <summary>Frame header plus trailer.</summary>
    public const int FrameOverhead = FrameHeaderSize + FrameTrailerSize;

    /// <summary>
    /// The largest payload a reader accepts (1 GiB). A length above it can only be damage, and checking it first keeps a
    /// flipped length bit from making the reader allocate gigabytes.
    /// </summary>
    public const int MaxFramePayload = 1 << 30;

    /// <summary>Payload size of a <see cref="FrameType.Commit"/> frame, which is fixed so the last frame can be found from the end.</summary>
    public const int CommitPayloadSize = 56;

    /// <summary>Total size of a commit frame.</summary>
    public const int CommitFrameSize = CommitPayloadSize + FrameOverhead;

    /// <summary>Segment kind of a complete image of the store.</summary>
    public const byte SegmentKindFull = 1;

    /// <summary>Segment kind of the net changes since the previous segment (format version 2).</summary>
    public const byte SegmentKindDelta = 2;

    /// <summary>Payload size of a <see cref="FrameType.SegmentStart"/> frame.</summary>
    public const int SegmentStartPayloadSize = 32;

    /// <summary>Offset of the format version in the file: frame header, then the 8-byte magic.</summary>
    public const int VersionFileOffset = FrameHeaderSize + 8;

    /// <summary>The first 8 bytes of the header frame's payload.</summary>
    public static ReadOnlySpan<byte> Magic => "EDGEBKUP"u8;

    /// <summary>The last 8 bytes of a commit frame's payload.</summary>
    public static ReadOnlySpan<byte> CommitMark => "COMMITED"u8;

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
