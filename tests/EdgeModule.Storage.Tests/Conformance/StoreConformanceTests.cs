namespace EdgeModule.Storage.Tests.Conformance;

/// <summary>
/// The contract of <see cref="IKeyValueStore"/>, run against every backend by subclassing. Tests are written against
/// the interface only; a backend passes when every test here passes unchanged.
/// </summary>
public abstract partial class StoreConformanceTests : IDisposable
{
    private readonly List<IDisposable> _opened = [];

    /// <summary>True when data survives dispose and <see cref="OpenStoreCore"/> again (RocksDB); false for memory.</summary>
    protected abstract bool IsPersistent { get; }

    /// <summary>
    /// Opens the backend at this test's own location (a fresh one per test instance); calling it again after the
    /// previous store was disposed reopens the same location.
    /// </summary>
    protected abstract IKeyValueStore OpenStoreCore(StorageOptions limits);

    protected IKeyValueStore OpenStore(StorageOptions? limits = null)
    {
        var store = OpenStoreCore(limits ?? new StorageOptions());
        _opened.Add(store);
        return store;
    }

    public virtual void Dispose()
    {
        foreach (var d in _opened)
        {
            d.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    protected static byte[] B(params byte[] bytes) => bytes;

    protected static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    /// <summary>A 16-byte big-endian sequence key, as the message store uses.</summary>
    protected static byte[] SequenceKey(long sequence)
    {
        var key = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(8), sequence);
        return key;
    }

    protected static List<byte[]> Keys(IPartitionReader partition) => partition.Iterate().Select(e => e.Key).ToList();

    protected static List<byte[]> KeysReverse(IPartitionReader partition) => partition.IterateReverse().Select(e => e.Key).ToList();

    protected static void AssertKeys(IEnumerable<byte[]> expected, IEnumerable<byte[]> actual) =>
        Assert.Equal(expected.Select(Convert.ToHexString), actual.Select(Convert.ToHexString));
}
