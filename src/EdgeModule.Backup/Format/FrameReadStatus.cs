namespace EdgeModule.Backup.Format;

/// <summary>What <see cref="FrameReader.TryRead"/> found at the current offset.</summary>
internal enum FrameReadStatus
{
    /// <summary>A whole frame whose CRC matches.</summary>
    Frame,

    /// <summary>The file ends exactly at the current offset.</summary>
    EndOfFile,

    /// <summary>The file ends inside the frame (a torn or truncated write).</summary>
    Truncated,

    /// <summary>The length field is larger than the format allows.</summary>
    BadLength,

    /// <summary>The frame's CRC does not match its bytes.</summary>
    BadChecksum,
}
