namespace EdgeModule.Storage;

/// <summary>Bytewise key order: unsigned memcmp, a shorter prefix first. The same order as RocksDB's default comparator.</summary>
public sealed class ByteKeyComparer : IComparer<byte[]>
{
    public static ByteKeyComparer Instance { get; } = new();

    private ByteKeyComparer()
    {
    }

    public static int Compare(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => x.SequenceCompareTo(y);

    int IComparer<byte[]>.Compare(byte[]? x, byte[]? y) => (x, y) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        _ => x.AsSpan().SequenceCompareTo(y),
    };
}
