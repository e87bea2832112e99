using System.Buffers.Binary;

namespace EdgeModule.Storage.InMemory;

/// <summary>
/// A key as the skip list compares it: its first 16 bytes as two big-endian integers (zero padded), its length, and
/// the whole key only when it is longer than 16 bytes. Comparing the two integers gives memcmp order without touching
/// another object, which matters because a search is a chain of cache misses; message-store keys are exactly 16 bytes.
/// </summary>
internal readonly ref struct NodeKey
{
    public const int InlineBytes = 16;

    public NodeKey(ReadOnlySpan<byte> key)
    {
        Length = key.Length;
        if (key.Length >= InlineBytes)
        {
            High = BinaryPrimitives.ReadUInt64BigEndian(key);
            Low = BinaryPrimitives.ReadUInt64BigEndian(key[8..]);
        }
        else
        {
            Span<byte> padded = stackalloc byte[InlineBytes];
            padded.Clear();
            key.CopyTo(padded);
            High = BinaryPrimitives.ReadUInt64BigEndian(padded);
            Low = BinaryPrimitives.ReadUInt64BigEndian(padded[8..]);
        }

        Bytes = key;
    }

    public NodeKey(ulong high, ulong low, int length, ReadOnlySpan<byte> bytes)
    {
        High = high;
        Low = low;
        Length = length;
        Bytes = bytes;
    }

    public ulong High { get; }

    public ulong Low { get; }

    public int Length { get; }

    /// <summary>The whole key; read only when both compared keys are longer than 16 bytes.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>
    /// memcmp order. With equal padded first 16 bytes, a key of at most 16 bytes is a prefix of the other (the padding
    /// matched the other's bytes), so the shorter one sorts first; only two long keys need their remaining bytes.
    /// </summary>
    public static int Compare(ulong high, ulong low, int length, ReadOnlySpan<byte> longBytes, in NodeKey key)
    {
        if (high != key.High)
        {
            return high < key.High ? -1 : 1;
        }

        if (low != key.Low)
        {
            return low < key.Low ? -1 : 1;
        }

        if (length <= InlineBytes || key.Length <= InlineBytes)
        {
            return length.CompareTo(key.Length);
        }

        return longBytes[InlineBytes..].SequenceCompareTo(key.Bytes[InlineBytes..]);
    }
}
