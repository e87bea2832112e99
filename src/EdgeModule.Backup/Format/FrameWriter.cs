using System.Buffers;
using System.Buffers.Binary;
using EdgeModule.Backup.Internal;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Format;

/// <summary>
/// Appends frames to a file with large sequential writes. Frames are built in one buffer while the previous buffer
/// is being written (two buffers, at most one write in flight), so producing records and writing to disk overlap;
/// each written buffer is sent on to the disk at once (<see cref="WriteBehind"/>) rather than all at the final fsync.
/// Keeps the running digest (CRC-32C of every frame's CRC, in order) that a commit frame records.
/// </summary>
internal sealed class FrameWriter : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly Action<BackupFaultPoint>? _faultHook;
    private readonly Action _beforeWrite;
    private readonly WriteBehind _writeBehind;
    private byte[] _buffer;
    private byte[] _spare;
    private int _used;
    private long _bufferOffset;
    private Task? _pending;
    private uint _frameState;
    private uint _digestState = Crc32C.InitialState;
    private long _framePayloadLeft = -1;

    /// <summary>
    /// Frames go into the file at <paramref name="startOffset"/> and after. <paramref name="beforeWrite"/> runs before
    /// each buffer is written: the place to check a deadline or cancellation.
    /// </summary>
    public FrameWriter(SafeFileHandle handle, long startOffset, int bufferSize, Action beforeWrite, Action<BackupFaultPoint>? faultHook)
    {
        _handle = handle;
        _bufferOffset = startOffset;
        // Pooled: a backup's two large buffers would otherwise be fresh large-object-heap garbage every time.
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        _spare = ArrayPool<byte>.Shared.Rent(bufferSize);
        _beforeWrite = beforeWrite;
        _faultHook = faultHook;
        _writeBehind = new WriteBehind(handle);
    }

    /// <summary>The file offset the next frame starts at.</summary>
    public long Position => _bufferOffset + _used;

    /// <summary>The digest of every frame completed so far.</summary>
    public uint Digest => Crc32C.Finish(_digestState);

    /// <summary>Bytes handed to the file system so far (excluding what is still being built in the buffer).</summary>
    public long WrittenOffset => _bufferOffset;

    /// <summary>Writes a whole record frame; the common case (it fits in the buffer) costs one copy and one CRC pass.</summary>
    public void WriteRecord(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var payload = (long)VarInt.Size((uint)key.Length) + key.Length + value.Length;
        var total = payload + BackupFormat.FrameOverhead;
        if (total > _buffer.Length)
        {
            BeginFrame(FrameType.Record, payload);
            Span<byte> prefix = stackalloc byte[5];
            AppendPayload(prefix[..VarInt.Write(prefix, (uint)key.Length)]);
            AppendPayload(key);
            AppendPayload(value);
            EndFrame();
            return;
        }

        if (_buffer.Length - _used < total)
        {
            FlushBuffer();
        }

        var frame = _buffer.AsSpan(_used, (int)total);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload);
        frame[4] = (byte)FrameType.Record;
        var at = BackupFormat.FrameHeaderSize + VarInt.Write(frame[BackupFormat.FrameHeaderSize..], (uint)key.Length);
        key.CopyTo(frame[at..]);
        value.CopyTo(frame[(at + key.Length)..]);
        var body = (int)total - BackupFormat.FrameTrailerSize;
        var crc = Crc32C.Compute(frame[..body]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[body..], crc);
        _digestState = Crc32C.Append(_digestState, frame[body..]);
        _used += (int)total;
    }

    /// <summary>Writes a frame whose payload is already in one span (header, partition, commit frames).</summary>
    public void WriteFrame(FrameType type, ReadOnlySpan<byte> payload)
    {
        BeginFrame(type, payload.Length);
        AppendPayload(payload);
        EndFrame();
    }

    public void BeginFrame(FrameType type, long payloadLength)
    {
        if (payloadLength > BackupFormat.MaxFramePayload)
        {
            throw new BackupException(
                $"A frame of {payloadLength} bytes is larger than the format allows ({BackupFormat.MaxFramePayload} bytes).");
        }

        Span<byte> header = stackalloc byte[BackupFormat.FrameHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payloadLength);
        header[4] = (byte)type;
        _framePayloadLeft = -1;
        _frameState = Crc32C.InitialState;
        AppendPayload(header);
        _framePayloadLeft = payloadLength;
    }

    public void AppendPayload(ReadOnlySpan<byte> data)
    {
        if (_framePayloadLeft >= 0)
        {
            _framePayloadLeft -= data.Length;
        }

        while (!data.IsEmpty)
        {
            if (_used == _buffer.Length)
            {
                FlushBuffer();
            }

            var n = Math.Min(data.Length, _buffer.Length - _used);
            var target = _buffer.AsSpan(_used, n);
            data[..n].CopyTo(target);
            _frameState = Crc32C.Append(_frameState, target);
            _used += n;
            data = data[n..];
        }
    }

    public void EndFrame()
    {
        if (_framePayloadLeft != 0)
        {
            throw new InvalidOperationException("The frame's payload does not match the length in its header.");
        }

        Span<byte> trailer = stackalloc byte[BackupFormat.FrameTrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32C.Finish(_frameState));
        _framePayloadLeft = -1;
        AppendPayload(trailer);
        _digestState = Crc32C.Append(_digestState, trailer);
    }

    /// <summary>Writes everything buffered and waits for it; does not flush to disk (the caller does, at a fault point).</summary>
    public void Complete()
    {
        WaitPending();
        if (_used > 0)
        {
            _beforeWrite();
            _faultHook?.Invoke(BackupFaultPoint.Write);
            RandomAccess.Write(_handle, _buffer.AsSpan(0, _used), _bufferOffset);
            _writeBehind.Written(_bufferOffset, _used);
            _bufferOffset += _used;
            _used = 0;
        }
    }

    public void Dispose()
    {
        // A failed write is reported by the call that hit it; here only make sure nothing still uses the buffers.
        try
        {
            _pending?.Wait();
        }
        catch (AggregateException)
        {
        }

        _pending = null;
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_spare);
        _buffer = _spare = [];
    }

    private void FlushBuffer()
    {
        WaitPending();
        _beforeWrite();
        _faultHook?.Invoke(BackupFaultPoint.Write);
        var buffer = _buffer;
        var length = _used;
        var offset = _bufferOffset;
        var handle = _handle;
        var writeBehind = _writeBehind;
        _pending = Task.Run(() =>
        {
            RandomAccess.Write(handle, buffer.AsSpan(0, length), offset);
            writeBehind.Written(offset, length);
        });
        _bufferOffset += length;
        (_buffer, _spare) = (_spare, _buffer);
        _used = 0;
    }

    private void WaitPending()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            pending.GetAwaiter().GetResult();
        }
    }
}
