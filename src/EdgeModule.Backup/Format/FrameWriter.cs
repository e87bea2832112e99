using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using EdgeModule.Backup.Internal;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Format;

/// <summary>
/// Appends frames to a file with large sequential writes. Frames are built in one buffer while the buffers before it
/// are written, one after the other, by a chain of tasks (<see cref="BufferCount"/> buffers: one being filled, the
/// rest queued or being written), so producing records and writing to disk overlap even when the two run at about
/// the same speed and either one stutters.
/// Every write but the last is a whole buffer, so the file can be written with direct I/O (<see cref="DirectIo"/>);
/// where that is refused, each written buffer is sent on to the disk at once (<see cref="WriteBehind"/>) rather than
/// all at the final fsync.
/// Frames are built without their CRC: a full buffer is check-summed (<see cref="FrameSealer"/>, which also keeps the
/// digest a commit frame records) on a pool thread just before its write, while the caller fills the next buffer, so
/// the thread that walks the store does not also spend its time on CRCs.
/// </summary>
internal sealed class FrameWriter : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly Action<BackupFaultPoint>? _faultHook;
    private readonly Action _beforeWrite;
    private readonly WriteBehind _writeBehind;
    private readonly Stack<AlignedBuffer> _free = new();
    private readonly Queue<(AlignedBuffer Buffer, Task Write)> _inFlight = new();
    private AlignedBuffer _buffer;
    private int _used;
    private long _bufferOffset;
    private readonly FrameSealer _sealer;
    private Task? _last;
    private Task? _lastSeal;
    private int _sealedUpTo;
    private volatile bool _direct;
    private long _framePayloadLeft = -1;

    /// <summary>
    /// Frames go into the file at <paramref name="startOffset"/> and after. <paramref name="beforeWrite"/> runs before
    /// each buffer is written: the place to check a deadline or cancellation. With <paramref name="directIo"/> the file
    /// is written past the page cache when the file system allows it (and <paramref name="startOffset"/> is aligned).
    /// An appender to an existing file passes the digest state after its last frame (<paramref name="digestState"/>).
    /// </summary>
    public FrameWriter(
        SafeFileHandle handle,
        long startOffset,
        int bufferSize,
        Action beforeWrite,
        Action<BackupFaultPoint>? faultHook,
        bool directIo = false,
        uint digestState = Crc32C.InitialState)
    {
        _handle = handle;
        _sealer = new FrameSealer(digestState);
        _bufferOffset = startOffset;
        // A whole number of direct-I/O blocks, so that every full buffer is a valid direct write.
        var capacity = (int)DirectIo.RoundUp(Math.Min(bufferSize, int.MaxValue - DirectIo.Alignment));
        _buffer = new AlignedBuffer(capacity);
        for (var i = 1; i < BufferCount; i++)
        {
            _free.Push(new AlignedBuffer(capacity));
        }

        _beforeWrite = beforeWrite;
        _faultHook = faultHook;
        _writeBehind = new WriteBehind(handle);
        _direct = directIo && startOffset % DirectIo.Alignment == 0 && DirectIo.TryEnable(handle);
    }

    /// <summary>Buffers per writer: one being filled and up to three waiting for or in their write.</summary>
    public const int BufferCount = 4;

    /// <summary>Whether the file is being written with direct I/O (false once a direct write was refused).</summary>
    public bool IsDirect => _direct;

    /// <summary>The file offset the next frame starts at.</summary>
    public long Position => _bufferOffset + _used;

    /// <summary>
    /// The digest of every frame written so far, which are all sealed first (waiting for the buffers being sealed).
    /// Only between frames.
    /// </summary>
    public uint CompleteDigest()
    {
        SealCurrent();
        return _sealer.Digest;
    }

    /// <summary>The digest state after every frame written so far (all sealed first, as <see cref="CompleteDigest"/>).</summary>
    public uint CompleteDigestState()
    {
        SealCurrent();
        return _sealer.DigestState;
    }

    /// <summary>Bytes handed to the file system so far (excluding what is still being built in the buffer).</summary>
    public long WrittenOffset => _bufferOffset;

    /// <summary>Writes a whole record frame; the common case (it fits in the buffer) costs one copy (its CRC comes later).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteRecord(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var payload = (long)VarInt.Size((uint)key.Length) + key.Length + value.Length;
        var total = payload + BackupFormat.FrameOverhead;
        if (total > _buffer.Length - _used)
        {
            // Does not fit in what is left of the buffer: written piecewise, the frame continuing in the next buffer,
            // so that every buffer written is a full one.
            BeginFrame(FrameType.Record, payload);
            Span<byte> prefix = stackalloc byte[5];
            AppendPayload(prefix[..VarInt.Write(prefix, (uint)key.Length)]);
            AppendPayload(key);
            AppendPayload(value);
            EndFrame();
            return;
        }

        var frame = _buffer.Span.Slice(_used, (int)total);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload);
        frame[4] = (byte)FrameType.Record;
        var at = BackupFormat.FrameHeaderSize + VarInt.Write(frame[BackupFormat.FrameHeaderSize..], (uint)key.Length);
        key.CopyTo(frame[at..]);
        value.CopyTo(frame[(at + key.Length)..]);
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
        AppendPayload(header);
        _framePayloadLeft = payloadLength;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            var target = _buffer.Span.Slice(_used, n);
            data[..n].CopyTo(target);
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

        // The trailer's place; the sealer writes the CRC into it.
        Span<byte> trailer = stackalloc byte[BackupFormat.FrameTrailerSize];
        trailer.Clear();
        _framePayloadLeft = -1;
        AppendPayload(trailer);
    }

    /// <summary>Writes everything buffered and waits for it; does not flush to disk (the caller does, at a fault point).</summary>
    public void Complete()
    {
        SealCurrent();
        if (_used > 0)
        {
            _beforeWrite();
            _faultHook?.Invoke(BackupFaultPoint.Write);
            WriteTail();
            _bufferOffset += _used;
            _used = 0;
            _sealedUpTo = 0;
        }
    }

    public void Dispose()
    {
        // A failed write is reported by the call that hit it; here only make sure nothing still uses the buffers.
        while (_inFlight.TryDequeue(out var entry))
        {
            try
            {
                entry.Write.Wait();
            }
            catch (AggregateException)
            {
            }

            entry.Buffer.Dispose();
        }

        _last = null;
        _lastSeal = null;
        _buffer.Dispose();
        while (_free.TryPop(out var buffer))
        {
            buffer.Dispose();
        }
    }

    private void FlushBuffer()
    {
        if (_free.Count == 0)
        {
            WaitOldest();
        }

        _beforeWrite();
        _faultHook?.Invoke(BackupFaultPoint.Write);
        var buffer = _buffer;
        var length = _used;
        var offset = _bufferOffset;
        var from = _sealedUpTo;

        // Buffers are sealed in file order, one at a time (the sealer carries a frame over from one to the next), and
        // written in file order, one at a time, each once it is sealed. A failed write fails every write queued after
        // it with its error.
        var seal = After(_lastSeal, () => _sealer.Seal(buffer.Span[from..length]));
        var write = After(_last is null ? seal : Task.WhenAll(_last, seal), () => WriteAt(buffer.Span[..length], offset));
        _inFlight.Enqueue((buffer, write));
        _lastSeal = seal;
        _last = write;
        _bufferOffset += length;
        _buffer = _free.Pop();
        _used = 0;
        _sealedUpTo = 0;
    }

    /// <summary><paramref name="action"/> on a pool thread once <paramref name="previous"/> succeeded (at once when null).</summary>
    private static Task After(Task? previous, Action action) => previous is null
        ? Task.Run(action)
        : previous.ContinueWith(
            p =>
            {
                p.GetAwaiter().GetResult();
                action();
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);

    /// <summary>Waits for every queued seal and write, then seals what the current buffer holds.</summary>
    private void SealCurrent()
    {
        if (_framePayloadLeft >= 0)
        {
            throw new InvalidOperationException("A frame is still open.");
        }

        WaitPending();
        _sealer.Seal(_buffer.Span[_sealedUpTo.._used]);
        _sealedUpTo = _used;
        if (!_sealer.AtFrameBoundary)
        {
            throw new InvalidOperationException("The frames written so far end inside a frame.");
        }
    }

    private void WaitOldest()
    {
        var (buffer, write) = _inFlight.Dequeue();
        _free.Push(buffer);
        write.GetAwaiter().GetResult();
    }

    private void WaitPending()
    {
        while (_inFlight.Count > 0)
        {
            WaitOldest();
        }

        _last = null;
        _lastSeal = null;
    }

    /// <summary>One buffer's write: direct when possible; a refused direct write turns direct I/O off and is repeated.</summary>
    private void WriteAt(ReadOnlySpan<byte> data, long offset)
    {
        if (_direct)
        {
            try
            {
                RandomAccess.Write(_handle, data, offset);
                return;
            }
            catch (IOException)
            {
                // Refused (a file system or device with other alignment rules) or failed (a full disk): repeated
                // through the page cache, which either works or reports the real error.
                _direct = false;
                DirectIo.Disable(_handle);
            }
        }

        RandomAccess.Write(_handle, data, offset);
        _writeBehind.Written(offset, data.Length);
    }

    /// <summary>
    /// The last, partial buffer. A direct write must be a whole number of blocks, so it is padded with zeros and the
    /// file cut back to its real length afterwards.
    /// </summary>
    private void WriteTail()
    {
        var end = _bufferOffset + _used;
        var padded = (int)DirectIo.RoundUp(_used);
        if (_direct && padded != _used)
        {
            _buffer.Span[_used..padded].Clear();
            WriteAt(_buffer.Span[..padded], _bufferOffset);
            RandomAccess.SetLength(_handle, end);
            return;
        }

        WriteAt(_buffer.Span[.._used], _bufferOffset);
    }
}
