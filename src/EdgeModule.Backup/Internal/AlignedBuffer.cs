using System.Runtime.InteropServices;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// A block of native memory aligned for direct I/O (<see cref="DirectIo.Alignment"/>). Outside the GC heap, so a
/// backup's large buffers are neither garbage afterwards nor moved while the disk reads them.
/// </summary>
internal sealed unsafe class AlignedBuffer : IDisposable
{
    private byte* _pointer;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, DirectIo.Alignment);
    }

    ~AlignedBuffer() => Free();

    public int Length { get; }

    public Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return new Span<byte>(_pointer, Length);
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
