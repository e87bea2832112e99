namespace EdgeModule.Backup.Format;

/// <summary>Unsigned LEB128 (7 bits a byte, low bits first, high bit = more), at most 5 bytes for a u32.</summary>
internal static class VarInt
{
    public static int Size(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static int Write(Span<byte> target, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            target[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a value; false when the bytes end first or the encoding is longer than 5 bytes or not minimal.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out uint value, out int size)
    {
        value = 0;
        size = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (size >= source.Length)
            {
                return false;
            }

            var b = source[size++];
            if (shift == 28 && b > 0x0F)
            {
                return false;
            }

            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                // Minimal: a last byte of 0 is only allowed for the value 0 itself.
                return b != 0 || size == 1;
            }
        }

        return false;
    }
}
