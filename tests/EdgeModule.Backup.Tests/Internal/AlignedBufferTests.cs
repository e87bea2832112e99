using System.Globalization;
using EdgeModule.Backup.Internal;

namespace EdgeModule.Backup.Tests.Internal;

/// <summary>
/// The backup writer's buffers: every one aligned for direct I/O, and a large one aligned to a huge page with the
/// kernel asked for transparent huge pages (the "hg" flag of its mapping in /proc/self/smaps), which makes pinning it
/// for a direct write and faulting it in cheaper.
/// </summary>
public sealed class AlignedBufferTests
{
    [Fact]
    public void LargeBuffer_IsHugePageAligned_AndAdvisedForHugePages()
    {
        const string thp = "/sys/kernel/mm/transparent_hugepage/enabled";
        Assert.SkipUnless(Environment.Is64BitProcess, "huge pages are asked for by 64-bit processes only");
        Assert.SkipUnless(File.Exists(thp) && !File.ReadAllText(thp).Contains("[never]", StringComparison.Ordinal), "this kernel has transparent huge pages off");
        using var buffer = new AlignedBuffer(4 << 20);
        buffer.Span.Fill(0x5A);

        Assert.Equal(0, buffer.Address % AlignedBuffer.HugePageBytes);
        Assert.All(buffer.Span.ToArray(), b => Assert.Equal(0x5A, b));
        Emulation.SkipIfEmulated("madvise (it accepts MADV_HUGEPAGE and drops it)");
        Assert.Contains("hg", MappingFlags(buffer.Address));
    }

    [Fact]
    public void SmallBuffer_IsBlockAligned_AndUsable()
    {
        using var buffer = new AlignedBuffer(64 << 10);
        buffer.Span.Fill(0xA5);

        Assert.Equal(0, buffer.Address % DirectIo.Alignment);
        Assert.Equal(64 << 10, buffer.Span.Length);
    }

    [Theory]
    [InlineData(2 << 20)]
    [InlineData((3 << 20) + 4096)]
    [InlineData(8 << 20)]
    public void LargeBuffers_OfAnySize_AreUsableToTheirLastByte(int length)
    {
        using var buffer = new AlignedBuffer(length);
        buffer.Span.Fill(0x11);
        buffer.Span[^1] = 0x22;

        Assert.Equal(length, buffer.Span.Length);
        Assert.Equal(0x22, buffer.Span[^1]);
        Assert.Equal(0, buffer.Address % DirectIo.Alignment);
    }

    [Fact]
    public void DisposedBuffer_RefusesItsSpan()
    {
        var buffer = new AlignedBuffer(4 << 20);
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
    }

    /// <summary>The VmFlags of the mapping that holds <paramref name="address"/>.</summary>
    private static string[] MappingFlags(nint address)
    {
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
            {
                inMapping = (ulong)address >= start && (ulong)address < end;
            }
            else if (inMapping && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        throw new InvalidOperationException($"no mapping holds 0x{address:x}");
    }
}
