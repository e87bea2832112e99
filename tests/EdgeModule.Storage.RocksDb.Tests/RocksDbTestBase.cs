using System.Buffers.Binary;

namespace EdgeModule.Storage.RocksDb.Tests;

/// <summary>A temp folder per test, and stores opened in it that are disposed after the test.</summary>
public abstract class RocksDbTestBase : IDisposable
{
    private readonly List<IDisposable> _opened = [];

    internal TempDirectory Directory { get; } = new();

    protected string DbPath => Directory.Combine("db");

    /// <summary>Opens the store at <see cref="DbPath"/> (or the given options' path, when <paramref name="configure"/> sets one).</summary>
    protected RocksDbStore Open(Func<RocksDbStoreOptions, RocksDbStoreOptions>? configure = null)
    {
        var options = new RocksDbStoreOptions { Path = DbPath };
        var store = new RocksDbStore(configure is null ? options : configure(options));
        _opened.Add(store);
        return store;
    }

    protected static byte[] SequenceKey(long sequence)
    {
        var key = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(8), sequence);
        return key;
    }

    protected static long SizeOf(string folder, string pattern) =>
        System.IO.Directory.EnumerateFiles(folder, pattern).Sum(f => new FileInfo(f).Length);

    public void Dispose()
    {
        foreach (var d in _opened)
        {
            d.Dispose();
        }

        Directory.Dispose();
        GC.SuppressFinalize(this);
    }
}
