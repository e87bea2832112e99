using System.Runtime.InteropServices;

namespace EdgeModule.Backup.Internal;

/// <summary>
/// A block of native memory aligned for direct I/O (<see cref="DirectIo.Alignment"/>). Outside the GC heap, so a
/// backup's large buffers are neither garbage afterwards nor moved while the disk reads them.
/// </summary>
/// <remarks>
/// A buffer of at least <see cref="HugePageBytes"/> (64-bit Linux) is a mapping of its own, aligned to a huge page,
/// for which the kernel is asked for transparent huge pages (madvise MADV_HUGEPAGE, honoured where THP is "madvise"
/// or "always"): a direct write pins its buffer's pages for the disk, one 2 MiB folio instead of 512 pages, and
/// filling a fresh buffer faults once per 2 MiB. Its own mapping, not the C heap: the advice stays on these pages
/// only, and unmapping gives them back to the system at once. Where the kernel declines the advice the buffer simply
/// stays in small pages; where the mapping fails it falls back to the C heap.
/// </remarks>
internal sealed unsafe partial class AlignedBuffer : IDisposable
{
    /// <summary>The x86-64 and arm64 (4 KiB granule) transparent huge page size.</summary>
    internal const int HugePageBytes = 2 << 20;

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private const int MadviseHugePage = 14;

    private byte* _pointer;
    private byte* _mapping;
    private nuint _mappingLength;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        if (length >= HugePageBytes && OperatingSystem.IsLinux() && Environment.Is64BitProcess && TryMapHuge((nuint)length))
        {
            return;
        }

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

    /// <summary>The start address (tests check the alignment).</summary>
    internal nint Address => (nint)_pointer;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    /// <summary>Maps length + one huge page, keeps the huge-page-aligned part and unmaps the rest.</summary>
    private bool TryMapHuge(nuint length)
    {
        var size = (length + HugePageBytes - 1) & ~(nuint)(HugePageBytes - 1);
        var raw = Mmap(null, size + HugePageBytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (raw == (void*)-1)
        {
            return false;
        }

        var start = ((nuint)raw + HugePageBytes - 1) & ~(nuint)(HugePageBytes - 1);
        var head = start - (nuint)raw;
        if (head > 0)
        {
            _ = Munmap(raw, head);
        }

        var tail = HugePageBytes - head;
        if (tail > 0)
        {
            _ = Munmap((void*)(start + size), tail);
        }

        // Advice only: EINVAL (a kernel without THP) leaves ordinary pages, which work the same.
        _ = Madvise((void*)start, size, MadviseHugePage);
        _mapping = _pointer = (byte*)start;
        _mappingLength = size;
        return true;
    }

    private void Free()
    {
        if (_mapping != null)
        {
            _ = Munmap(_mapping, _mappingLength);
            _mapping = _pointer = null;
        }
        else if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
