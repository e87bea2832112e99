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
/// the next chunk's data; one longer than the headroom (a large value) is assembled in a buffer of its own.
/// </remarks>
internal sealed class FrameReader : IDisposable
{
    private readonly long _fileLength;
    private readonly FileReadAhead _readAhead;
    private byte[] _buffer = [];
    private byte[]? _chunk;
    private byte[]? _assembly;
    private int _start;
    private int _end;
    private long _bufferFileOffset;

    public FrameReader(SafeFileHandle handle, int bufferSize)
    {
        _fileLength = RandomAccess.GetLength(handle);
        _readAhead = new FileReadAhead(handle, 0, _fileLength, bufferSize);
    }

    /// <summary>The offset of the next frame (after <see cref="TryRead"/> returned a frame: of the one after it).</summary>
    public long Offset => _bufferFileOffset + _start;

    public long FileLength => _fileLength;

    /// <summary>The payload of the frame last read, valid until the next <see cref="TryRead"/>.</summary>
    public ReadOnlyMemory<byte> LastPayload { get; private set; }

    /// <summary>Reads the frame at <see cref="Offset"/>. Only on <see cref="FrameReadStatus.Frame"/> does the offset move.</summary>
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
            var tail = _end - _start;
            if (tail <= FileReadAhead.Headroom)
            {
                // The usual case: continue in the next chunk, the tail copied in front of its data.
                var at = FileReadAhead.Headroom - tail;
                _buffer.AsSpan(_start, tail).CopyTo(next.Buffer.AsSpan(at));
                ReturnChunk();
                _chunk = _buffer = next.Buffer;
                _start = at;
                _end = FileReadAhead.Headroom + next.Length;
                _bufferFileOffset = next.FileOffset - FileReadAhead.Headroom;
            }
            else
            {
                // A frame longer than the headroom: gather it (and the rest of this chunk) in the assembly buffer.
                var needed = Math.Max(count, tail + next.Length);
                if (_assembly is null || _assembly.Length < needed)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, (_assembly?.Length ?? 0) * 2));
                    _buffer.AsSpan(_start, tail).CopyTo(bigger);
                    if (_assembly is not null)
                    {
                        ArrayPool<byte>.Shared.Return(_assembly);
                    }

                    _assembly = bigger;
                }
                else
                {
                    _buffer.AsSpan(_start, tail).CopyTo(_assembly);
                }

                ReturnChunk();
                next.Buffer.AsSpan(FileReadAhead.Headroom, next.Length).CopyTo(_assembly.AsSpan(tail));
                _readAhead.Return(next.Buffer);
                _buffer = _assembly;
                _start = 0;
                _end = tail + next.Length;
                _bufferFileOffset = next.FileOffset - tail;
            }
        }
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
