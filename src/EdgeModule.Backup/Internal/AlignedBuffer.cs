using System.Runtime.InteropServices;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// A block of native memory aligned for direct I/O (<see cref="DirectIo.Alignment"/>). Outside the GC heap, so a
/// backup's large buffers are neither garbage afterwards nor moved while the disk reads them.
/// A buffer of at least <see cref="HugePageBytes"/> is aligned to a huge page and asks Linux for transparent huge
/// pages (madvise MADV_HUGEPAGE, honoured where THP is "madvise" or "always"): a direct write pins its buffer's pages
/// for the disk, one 2 MiB folio instead of 512 pages, and filling a fresh buffer faults once per 2 MiB. Where the
/// kernel declines, the buffer simply stays in small pages.
/// </summary>
internal sealed unsafe partial class AlignedBuffer : IDisposable
{
    /// <summary>The x86-64 and arm64 (4 KiB granule) transparent huge page size.</summary>
    internal const int HugePageBytes = 2 << 20;

    private const int MadviseHugePage = 14;

    private byte* _pointer;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        var huge = length >= HugePageBytes && OperatingSystem.IsLinux() && Environment.Is64BitProcess;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, huge ? HugePageBytes : (nuint)DirectIo.Alignment);
        if (huge)
        {
            // Advice only: EINVAL (a kernel without THP) leaves ordinary pages, which work the same.
            _ = Madvise(_pointer, (nuint)length, MadviseHugePage);
        }
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

    /// <summary>The start address (tests check the alignment).</summary>
    internal nint Address => (nint)_pointer;

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

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
