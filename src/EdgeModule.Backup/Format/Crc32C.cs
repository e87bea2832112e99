using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeModule.Backup.Format;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF), the checksum of
/// iSCSI, ext4 and RocksDB. Uses the SSE4.2 or ARMv8 CRC instructions when the CPU has them and a slicing-by-8 table
/// otherwise; all three give the same result. (System.IO.Hashing, which has this, is not available to us.)
/// </summary>
/// <remarks>
/// Incremental use: <c>state = Crc32C.Append(Crc32C.InitialState, part1)</c> … then
/// <c>Crc32C.Finish(state)</c>. <see cref="Compute"/> does all three for one span.
/// </remarks>
public static class Crc32C
{
    /// <summary>The running state before any byte was appended.</summary>
    public const uint InitialState = 0xFFFFFFFFu;

    private const uint ReflectedPolynomial = 0x82F63B78u;

    // Slicing-by-8: table k maps a byte that is k positions before the end of an 8-byte word.
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(InitialState, data));

    /// <summary>The final CRC value of a running state.</summary>
    public static uint Finish(uint state) => ~state;

    /// <summary>Feeds <paramref name="data"/> into a running state.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            return AppendSse42X64(state, data);
        }

        if (Sse42.IsSupported)
        {
            return AppendSse42(state, data);
        }

        if (Crc32.Arm64.IsSupported)
        {
            return AppendArm64(state, data);
        }

        return AppendTable(state, data);
    }

    /// <summary>The portable implementation; internal so the tests can compare it with the hardware path.</summary>
    internal static uint AppendTable(uint state, ReadOnlySpan<byte> data)
    {
        var table = Table;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = table[(7 * 256) + (low & 0xFF)] ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((low >> 16) & 0xFF)] ^ table[(4 * 256) + (low >> 24)]
                ^ table[(3 * 256) + (high & 0xFF)] ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ table[256 + ((high >> 16) & 0xFF)] ^ table[high >> 24];
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = table[(state ^ b) & 0xFF] ^ (state >> 8);
        }

        return state;
    }

    private static uint AppendSse42X64(uint state, ReadOnlySpan<byte> data)
    {
        ulong crc = state;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = Sse42.X64.Crc32(crc, word);
        }

        var c = (uint)crc;
        foreach (var b in data[(words.Length * 8)..])
        {
            c = Sse42.Crc32(c, b);
        }

        return c;
    }

    private static uint AppendSse42(uint state, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, uint>(data);
        foreach (var word in words)
        {
            state = Sse42.Crc32(state, word);
        }

        foreach (var b in data[(words.Length * 4)..])
        {
            state = Sse42.Crc32(state, b);
        }

        return state;
    }

    private static uint AppendArm64(uint state, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            state = Crc32.Arm64.ComputeCrc32C(state, word);
        }

        foreach (var b in data[(words.Length * 8)..])
        {
            state = Crc32.ComputeCrc32C(state, b);
        }

        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++)
            {
                var previous = table[((k - 1) * 256) + i];
                table[(k * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }
}
