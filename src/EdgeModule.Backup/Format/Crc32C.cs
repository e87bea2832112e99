using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeModule.Backup.Format;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF), the checksum of
/// iSCSI, ext4 and RocksDB. Uses the SSE4.2 or ARMv8 CRC instructions when the CPU has them and a slicing-by-8 table
/// otherwise; all give the same result. (System.IO.Hashing, which has this, is not available to us.)
/// </summary>
/// <remarks>
/// The 64-bit SSE4.2 path runs three CRCs side by side over three consecutive parts of a block and then joins them
/// (Mark Adler's crc32c.c): one CRC instruction takes three cycles but a new one can start every cycle, so a single
/// chain of them uses a third of the CPU's throughput. Joining needs the CRC of a part followed by n zero bytes,
/// which is linear in the CRC: four table lookups per join, with one table set for each of the two block sizes.
/// About twice the speed on a 1 KB frame, three times on long buffers.
/// </remarks>
/// <remarks>
/// Incremental use: <c>state = Crc32C.Append(Crc32C.InitialState, part1)</c> … then
/// <c>Crc32C.Finish(state)</c>. <see cref="Compute"/> does all three for one span.
/// </remarks>
public static class Crc32C
{
    /// <summary>The running state before any byte was appended.</summary>
    public const uint InitialState = 0xFFFFFFFFu;

    private const uint ReflectedPolynomial = 0x82F63B78u;

    // Bytes per part of an interleaved block (three parts a block); both powers of two (see ZerosOperator).
    private const int LongPart = 8192;
    private const int ShortPart = 256;

    // Slicing-by-8: table k maps a byte that is k positions before the end of an 8-byte word.
    private static readonly uint[] Table = BuildTable();

    // Shift tables: the CRC register followed by LongPart (ShortPart) zero bytes, four byte-wise tables each.
    private static readonly uint[] LongShift = BuildShiftTable(LongPart);
    private static readonly uint[] ShortShift = BuildShiftTable(ShortPart);

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

    /// <summary>
    /// Feeds the four little-endian bytes of <paramref name="value"/>: the same as <see cref="Append"/> of them, in one
    /// CRC instruction where there is one (the backup digest appends each frame's 4-byte CRC).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint AppendUInt32(uint state, uint value)
    {
        if (Sse42.IsSupported)
        {
            return Sse42.Crc32(state, value);
        }

        if (Crc32.IsSupported)
        {
            return Crc32.ComputeCrc32C(state, value);
        }

        return AppendUInt32Table(state, value);
    }

    /// <summary>The portable <see cref="AppendUInt32"/>; internal so the tests can compare it with the hardware path.</summary>
    internal static uint AppendUInt32Table(uint state, uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return AppendTable(state, bytes);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint AppendSse42X64(uint state, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        var done = 0;
        if (words.Length >= 3 * (ShortPart / 8))
        {
            state = Interleaved(state, words, LongPart / 8, LongShift, ref done);
            state = Interleaved(state, words, ShortPart / 8, ShortShift, ref done);
        }

        ulong crc = state;
        words = words[done..];
        foreach (var word in words)
        {
            crc = Sse42.X64.Crc32(crc, word);
        }

        var c = (uint)crc;
        foreach (var b in data[((done + words.Length) * 8)..])
        {
            c = Sse42.Crc32(c, b);
        }

        return c;
    }

    /// <summary>
    /// Feeds whole blocks of three parts of <paramref name="part"/> words each, from word <paramref name="done"/> on,
    /// three CRCs at a time; <paramref name="done"/> moves past them. The second and third CRCs start from a zero
    /// register, so the join is: shift the first past the second part, xor the second, shift past the third, xor it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint Interleaved(uint state, ReadOnlySpan<ulong> words, int part, uint[] shift, ref int done)
    {
        while (words.Length - done >= 3 * part)
        {
            var block = words.Slice(done, 3 * part);
            var first = block[..part];
            var second = block.Slice(part, part);
            var third = block.Slice(2 * part, part);
            ulong crc0 = state, crc1 = 0, crc2 = 0;
            for (var i = 0; i < first.Length; i++)
            {
                crc0 = Sse42.X64.Crc32(crc0, first[i]);
                crc1 = Sse42.X64.Crc32(crc1, second[i]);
                crc2 = Sse42.X64.Crc32(crc2, third[i]);
            }

            state = Shift(shift, (uint)crc0) ^ (uint)crc1;
            state = Shift(shift, state) ^ (uint)crc2;
            done += 3 * part;
        }

        return state;
    }

    private static uint Shift(uint[] table, uint crc) =>
        table[crc & 0xFF] ^ table[256 + ((crc >> 8) & 0xFF)] ^ table[512 + ((crc >> 16) & 0xFF)] ^ table[768 + (crc >> 24)];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>Four byte-wise tables of the operator "append <paramref name="length"/> zero bytes" (a power of two).</summary>
    private static uint[] BuildShiftTable(int length)
    {
        var op = ZerosOperator(length);
        var table = new uint[4 * 256];
        for (uint n = 0; n < 256; n++)
        {
            table[n] = Times(op, n);
            table[256 + n] = Times(op, n << 8);
            table[512 + n] = Times(op, n << 16);
            table[768 + n] = Times(op, n << 24);
        }

        return table;
    }

    /// <summary>
    /// The 32x32 GF(2) matrix that appends <paramref name="length"/> zero bytes to a CRC register, for a power of two:
    /// start from one zero bit (a shift with the polynomial fed back) and square it up, doubling each time.
    /// </summary>
    private static uint[] ZerosOperator(int length)
    {
        var odd = new uint[32];
        var even = new uint[32];
        odd[0] = ReflectedPolynomial;
        for (var n = 1; n < 32; n++)
        {
            odd[n] = 1u << (n - 1);
        }

        Square(even, odd); // two zero bits
        Square(odd, even); // four zero bits
        while (true)
        {
            Square(even, odd); // then one zero byte, two, four...
            length >>= 1;
            if (length == 0)
            {
                return even;
            }

            Square(odd, even);
            length >>= 1;
            if (length == 0)
            {
                return odd;
            }
        }
    }

    private static void Square(uint[] square, uint[] matrix)
    {
        for (var n = 0; n < 32; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }

    private static uint Times(uint[] matrix, uint vector)
    {
        uint sum = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }
        }

        return sum;
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
