using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Format;

/// <summary>
/// Reads frames in file order and checks each one's CRC. The file is read in large chunks by a
/// <see cref="FileReadAhead"/> thread, so reading overlaps with the checks and whatever the caller does with each
/// frame. The payload handed out is a view into the current chunk, valid until the next call. Frame structure is
/// checked by <see cref="BackupReader"/>.
/// </summary>
/// <remarks>
/// A frame split across two chunks is joined by copying the first chunk's unread tail into the headroom in front of
/// the next chunk's data. A frame longer than the headroom (a large value) is first checked as it streams through the
/// chunks, without keeping them, and only once its CRC matched is it read again from the file into a buffer of its
/// own: a damaged length field (up to the format's 1 GiB, or whatever is left of the file) costs a pass over those
/// bytes, never a buffer of that size. The second read comes from the page cache and is checked again.
/// </remarks>
internal sealed class FrameReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _fileLength;
    private readonly FileReadAhead _readAhead;
    private byte[] _buffer = [];
    private byte[]? _chunk;
    private byte[]? _assembly;
    private int _start;
    private int _end;
    private long _bufferFileOffset;
    private long? _failedOffset;

    public FrameReader(SafeFileHandle handle, int bufferSize)
    {
        _handle = handle;
        _fileLength = RandomAccess.GetLength(handle);
        _readAhead = new FileReadAhead(handle, 0, _fileLength, bufferSize);
    }

    /// <summary>The offset of the next frame (after <see cref="TryRead"/> returned a frame: of the one after it).</summary>
    public long Offset => _failedOffset ?? _bufferFileOffset + _start;

    public long FileLength => _fileLength;

    /// <summary>The payload of the frame last read, valid until the next <see cref="TryRead"/>.</summary>
    public ReadOnlyMemory<byte> LastPayload { get; private set; }

    /// <summary>
    /// Reads the frame at <see cref="Offset"/>. Only on <see cref="FrameReadStatus.Frame"/> does the offset move; after
    /// any other status the reader stays at that frame for good.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public FrameReadStatus TryRead(out FrameType type, out ReadOnlySpan<byte> payload, out uint crc)
    {
        type = default;
        payload = default;
        crc = 0;
        var left = _fileLength - Offset;
        if (left == 0)
        {
            return FrameReadStatus.EndOfFile;
        }

        if (left < BackupFormat.FrameHeaderSize)
        {
            return FrameReadStatus.Truncated;
        }

        Fill(BackupFormat.FrameHeaderSize);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));
        if (length > BackupFormat.MaxFramePayload)
        {
            return FrameReadStatus.BadLength;
        }

        var total = (int)length + BackupFormat.FrameOverhead;
        if (left < total)
        {
            return FrameReadStatus.Truncated;
        }

        if (total > FileReadAhead.Headroom)
        {
            return TryReadLarge(total, out type, out payload, out crc);
        }

        Fill(total);
        var frame = _buffer.AsSpan(_start, total);
        var body = total - BackupFormat.FrameTrailerSize;
        crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[body..]);
        if (Crc32C.Compute(frame[..body]) != crc)
        {
            return FrameReadStatus.BadChecksum;
        }

        type = (FrameType)frame[4];
        payload = frame[BackupFormat.FrameHeaderSize..body];
        LastPayload = _buffer.AsMemory(_start + BackupFormat.FrameHeaderSize, (int)length);
        _start += total;
        return FrameReadStatus.Frame;
    }

    public void Dispose()
    {
        _readAhead.Dispose();
        if (_assembly is not null)
        {
            ArrayPool<byte>.Shared.Return(_assembly);
        }

        _assembly = _chunk = null;
        _buffer = [];
        LastPayload = default;
    }

    /// <summary>Makes sure <paramref name="count"/> bytes from <see cref="Offset"/> are in the buffer; the caller checked the file has them.</summary>
    private void Fill(int count)
    {
        while (_end - _start < count)
        {
            var next = _readAhead.Take() ?? throw new EndOfStreamException("The backup file became shorter while it was being read.");
            // count is at most the headroom (larger frames go through TryReadLarge), so the tail always fits in front.
            var tail = _end - _start;
            var at = FileReadAhead.Headroom - tail;
            _buffer.AsSpan(_start, tail).CopyTo(next.Buffer.AsSpan(at));
            ReturnChunk();
            _chunk = _buffer = next.Buffer;
            _start = at;
            _end = FileReadAhead.Headroom + next.Length;
            _bufferFileOffset = next.FileOffset - FileReadAhead.Headroom;
        }
    }

    /// <summary>
    /// A frame longer than the headroom: its CRC is computed as its bytes stream through the chunks (nothing kept),
    /// and only a frame that checks out is read again, from the file, into the assembly buffer.
    /// </summary>
    private FrameReadStatus TryReadLarge(int total, out FrameType type, out ReadOnlySpan<byte> payload, out uint crc)
    {
        type = default;
        payload = default;
        var frameOffset = Offset;
        var body = total - BackupFormat.FrameTrailerSize;
        var state = Crc32C.InitialState;
        Span<byte> trailer = stackalloc byte[BackupFormat.FrameTrailerSize];
        for (var done = 0; done < total;)
        {
            if (_end == _start)
            {
                NextChunk();
            }

            var piece = _buffer.AsSpan(_start, Math.Min(_end - _start, total - done));
            var inBody = Math.Clamp(body - done, 0, piece.Length);
            state = Crc32C.Append(state, piece[..inBody]);
            piece[inBody..].CopyTo(trailer[Math.Max(done - body, 0)..]);
            done += piece.Length;
            _start += piece.Length;
        }

        crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (Crc32C.Finish(state) != crc)
        {
            _failedOffset = frameOffset;
            return FrameReadStatus.BadChecksum;
        }

        if (_assembly is null || _assembly.Length < total)
        {
            if (_assembly is not null)
            {
                ArrayPool<byte>.Shared.Return(_assembly);
                _assembly = null;
            }

            _assembly = ArrayPool<byte>.Shared.Rent(total);
        }

        var frame = _assembly.AsSpan(0, total);
        for (var done = 0; done < total;)
        {
            var read = RandomAccess.Read(_handle, frame[done..], frameOffset + done);
            if (read == 0)
            {
                throw new EndOfStreamException("The backup file became shorter while it was being read.");
            }

            done += read;
        }

        // The file could have changed between the two reads.
        if (Crc32C.Compute(frame[..body]) != crc)
        {
            _failedOffset = frameOffset;
            return FrameReadStatus.BadChecksum;
        }

        type = (FrameType)frame[4];
        payload = frame[BackupFormat.FrameHeaderSize..body];
        LastPayload = _assembly.AsMemory(BackupFormat.FrameHeaderSize, body - BackupFormat.FrameHeaderSize);
        return FrameReadStatus.Frame;
    }

    /// <summary>Moves to the next chunk once the current one has been consumed to its end.</summary>
    private void NextChunk()
    {
        var next = _readAhead.Take() ?? throw new EndOfStreamException("The backup file became shorter while it was being read.");
        ReturnChunk();
        _chunk = _buffer = next.Buffer;
        _start = FileReadAhead.Headroom;
        _end = FileReadAhead.Headroom + next.Length;
        _bufferFileOffset = next.FileOffset - FileReadAhead.Headroom;
    }

    private void ReturnChunk()
    {
        if (_chunk is not null)
        {
            _readAhead.Return(_chunk);
            _chunk = null;
        }
    }
}
