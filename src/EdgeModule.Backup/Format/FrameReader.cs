using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Format;

/// <summary>
/// Reads frames in file order with large sequential reads and checks each one's CRC. The payload handed out is a
/// view into the read buffer, valid until the next call. Frame structure is checked by <see cref="BackupReader"/>.
/// </summary>
internal sealed class FrameReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly long _fileLength;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferFileOffset;

    public FrameReader(SafeFileHandle handle, int bufferSize)
    {
        _handle = handle;
        _fileLength = RandomAccess.GetLength(handle);
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>The offset of the next frame (after <see cref="TryRead"/> returned a frame: of the one after it).</summary>
    public long Offset => _bufferFileOffset + _start;

    public long FileLength => _fileLength;

    /// <summary>The payload of the frame last read, valid until the next <see cref="TryRead"/>.</summary>
    public ReadOnlyMemory<byte> LastPayload { get; private set; }

    /// <summary>Reads the frame at <see cref="Offset"/>. Only on <see cref="FrameReadStatus.Frame"/> does the offset move.</summary>
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
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        LastPayload = default;
    }

    /// <summary>Makes sure <paramref name="count"/> bytes from <see cref="Offset"/> are in the buffer; the caller checked the file has them.</summary>
    private void Fill(int count)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(count, _buffer.Length * 2));
            _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        }

        _bufferFileOffset += _start;
        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            var read = RandomAccess.Read(_handle, _buffer.AsSpan(_end), _bufferFileOffset + _end);
            if (read == 0)
            {
                throw new EndOfStreamException("The backup file became shorter while it was being read.");
            }

            _end += read;
        }
    }
}
