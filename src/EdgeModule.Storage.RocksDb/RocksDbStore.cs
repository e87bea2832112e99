using System.Collections.Concurrent;
using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// The RocksDB backend of <see cref="IKeyValueStore"/>: one database folder, one column family per partition.
/// </summary>
/// <remarks>
/// Every native object is a SafeHandle that holds references on what it needs (see NativeHandle), so disposing the
/// store while another thread still reads through a cursor or snapshot only defers the native close: the database is
/// closed when the last of them is disposed. Partition creation, drop, snapshot creation and dispose take one lock;
/// reads and writes take none (RocksDB is thread safe) beyond the SafeHandle reference counts.
/// </remarks>
public sealed partial class RocksDbStore : IKeyValueStore
{
    private const string DefaultColumnFamily = "default";

    private readonly RocksDbStoreOptions _options;
    private readonly OptionsHandle _dbOptions;
    private readonly ColumnFamilyHandle _defaultColumnFamily;
    private readonly ConcurrentDictionary<string, RocksDbPartition> _partitions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private volatile bool _disposed;

    /// <summary>
    /// Opens the database at <see cref="RocksDbStoreOptions.Path"/>, creating it if missing, with every partition
    /// (column family) it already has.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range (the exception names it).</exception>
    /// <exception cref="RocksDbException">RocksDB refused to open, e.g. another process holds the LOCK, or the path is a file.</exception>
    /// <exception cref="DllNotFoundException">librocksdb is not installed.</exception>
    public RocksDbStore(RocksDbStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Path = System.IO.Path.GetFullPath(options.Path);
        var parent = System.IO.Path.GetDirectoryName(Path);
        if (parent is not null)
        {
            Directory.CreateDirectory(parent);
        }

        var opened = OpenDatabase(options, Path);
        _dbOptions = opened.Options;
        Db = opened.Db;
        _defaultColumnFamily = opened.DefaultColumnFamily;
        ReadOptions = opened.ReadOptions;
        WriteOptions = opened.WriteOptions;
        Identity = opened.Identity;
        foreach (var (name, handle) in opened.Partitions)
        {
            _partitions[name] = new RocksDbPartition(this, name, handle);
        }
    }

    public string BackendName => "rocksdb";

    /// <summary>The database identity: the UUID RocksDB keeps in the IDENTITY file of the folder.</summary>
    public string Identity { get; }

    /// <summary>The full path of the database folder.</summary>
    public string Path { get; }

    /// <summary>
    /// A RocksDB property, for diagnostics: "rocksdb.stats" (compaction and write-stall statistics as text),
    /// "rocksdb.estimate-num-keys", "rocksdb.cur-size-all-mem-tables" and the others RocksDB documents; null when
    /// RocksDB does not know the name.
    /// </summary>
    public string? GetProperty(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfDisposed();
        var value = NativeMethods.rocksdb_property_value(Db, name);
        if (value == 0)
        {
            return null;
        }

        try
        {
            return System.Runtime.InteropServices.Marshal.PtrToStringUTF8(value);
        }
        finally
        {
            NativeMethods.rocksdb_free(value);
        }
    }

    internal StorageOptions Limits => _options;

    internal DatabaseHandle Db { get; }

    internal ReadOptionsHandle ReadOptions { get; }

    internal WriteOptionsHandle WriteOptions { get; }

    /// <summary>
    /// Marks the store disposed and gives up its own references on the native objects. The database closes now if
    /// nothing else uses it, otherwise when the last open cursor or snapshot is disposed. Idempotent.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var partition in _partitions.Values)
            {
                partition.ColumnFamily.Dispose();
            }

            _defaultColumnFamily.Dispose();
            ReadOptions.Dispose();
            WriteOptions.Dispose();
            _dbOptions.Dispose();
            Db.Dispose();
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
