using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace EdgeModule.Backup.Format;

/// <summary>
/// Fills in the CRC trailers of frames written without them, and keeps the digest (the CRC-32C of every frame's CRC,
/// in order). It reads the bytes in file order, one stretch after another, so a frame may start in one stretch and
/// end in a later one: its header, payload and trailer can each be split. Lets <see cref="FrameWriter"/> check-sum
/// a buffer on another thread while the next one is being filled.
/// </summary>
/// <remarks>Not thread-safe: stretches must be given one at a time, in file order.</remarks>
internal sealed class FrameSealer(uint digestState = Crc32C.InitialState)
{
    private readonly byte[] _header = new byte[BackupFormat.FrameHeaderSize];
    private Phase _phase = Phase.Header;
    private int _headerBytes;
    private long _payloadLeft;
    private uint _crcState = Crc32C.InitialState;
    private uint _trailer;
    private int _trailerBytes;
    private uint _digestState = digestState;

    private enum Phase
    {
        Header,
        Payload,
        Trailer,
    }

    /// <summary>The digest of every frame sealed so far.</summary>
    public uint Digest => Crc32C.Finish(_digestState);

    /// <summary>The digest's running state, which an appender to the same file continues from.</summary>
    public uint DigestState => _digestState;

    /// <summary>True between frames: every frame given so far is complete and sealed.</summary>
    public bool AtFrameBoundary => _phase == Phase.Header && _headerBytes == 0;

    /// <summary>Seals the frames in <paramref name="stretch"/>, the next bytes of the file, writing their trailers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Seal(Span<byte> stretch)
    {
        while (!stretch.IsEmpty)
        {
            if (_phase == Phase.Header && _headerBytes == 0 && stretch.Length >= BackupFormat.FrameOverhead)
            {
                // The common case: a whole frame in view, one CRC pass over its header and payload.
                var body = BackupFormat.FrameHeaderSize + (long)BinaryPrimitives.ReadUInt32LittleEndian(stretch);
                if (body + BackupFormat.FrameTrailerSize <= stretch.Length)
                {
                    var crc = Crc32C.Compute(stretch[..(int)body]);
                    BinaryPrimitives.WriteUInt32LittleEndian(stretch[(int)body..], crc);
                    _digestState = Crc32C.AppendUInt32(_digestState, crc);
                    stretch = stretch[((int)body + BackupFormat.FrameTrailerSize)..];
                    continue;
                }
            }

            stretch = _phase switch
            {
                Phase.Header => TakeHeader(stretch),
                Phase.Payload => TakePayload(stretch),
                _ => PutTrailer(stretch),
            };
        }
    }

    private Span<byte> TakeHeader(Span<byte> stretch)
    {
        var n = Math.Min(BackupFormat.FrameHeaderSize - _headerBytes, stretch.Length);
        stretch[..n].CopyTo(_header.AsSpan(_headerBytes));
        _crcState = Crc32C.Append(_crcState, stretch[..n]);
        _headerBytes += n;
        if (_headerBytes == BackupFormat.FrameHeaderSize)
        {
            _payloadLeft = BinaryPrimitives.ReadUInt32LittleEndian(_header);
            _phase = Phase.Payload;
            if (_payloadLeft == 0)
            {
                StartTrailer();
            }
        }

        return stretch[n..];
    }

    private Span<byte> TakePayload(Span<byte> stretch)
    {
        var n = (int)Math.Min(_payloadLeft, stretch.Length);
        _crcState = Crc32C.Append(_crcState, stretch[..n]);
        _payloadLeft -= n;
        if (_payloadLeft == 0)
        {
            StartTrailer();
        }

        return stretch[n..];
    }

    private void StartTrailer()
    {
        _trailer = Crc32C.Finish(_crcState);
        _digestState = Crc32C.AppendUInt32(_digestState, _trailer);
        _trailerBytes = 0;
        _phase = Phase.Trailer;
    }

    private Span<byte> PutTrailer(Span<byte> stretch)
    {
        Span<byte> trailer = stackalloc byte[BackupFormat.FrameTrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _trailer);
        var n = Math.Min(BackupFormat.FrameTrailerSize - _trailerBytes, stretch.Length);
        trailer.Slice(_trailerBytes, n).CopyTo(stretch);
        _trailerBytes += n;
        if (_trailerBytes == BackupFormat.FrameTrailerSize)
        {
            _phase = Phase.Header;
            _headerBytes = 0;
            _crcState = Crc32C.InitialState;
        }

        return stretch[n..];
    }
}
