using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// Reads of one column family through one set of read options: the live partition reads with the store's, a
/// snapshot's partition with the snapshot's. Subclasses say when they can no longer be used.
/// </summary>
internal abstract class RocksDbPartitionReader : IPartitionReader
{
    /// <summary>A pinned location for empty spans: a null pointer with length 0 is legal C, but RocksDB gets a real one.</summary>
    private static readonly byte[] _emptyKey = new byte[1];

    protected RocksDbPartitionReader(
        string name,
        StorageOptions limits,
        DatabaseHandle db,
        ReadOptionsHandle readOptions,
        ColumnFamilyHandle columnFamily,
        ReadOptionsHandle? scanReadOptions = null)
    {
        Name = name;
        Limits = limits;
        Db = db;
        ReadOptions = readOptions;
        ScanReadOptions = scanReadOptions ?? readOptions;
        ColumnFamily = columnFamily;
    }

    public string Name { get; }

    internal StorageOptions Limits { get; }

    internal DatabaseHandle Db { get; }

    internal ReadOptionsHandle ReadOptions { get; }

    /// <summary>The read options of <see cref="OpenScanCursor"/> (<see cref="ReadOptionsHandle.CreateForScan"/>), or <see cref="ReadOptions"/>.</summary>
    internal ReadOptionsHandle ScanReadOptions { get; }

    internal ColumnFamilyHandle ColumnFamily { get; }

    public byte[]? Get(byte[] key) => Read(key, copy: true, out var value) ? value : null;

    /// <summary>Like <see cref="Get"/> without copying the value out (which may be megabytes).</summary>
    public bool Contains(byte[] key) => Read(key, copy: false, out _);

    public long Count()
    {
        ThrowIfUnusable();
        using var iterator = CreateIterator();
        long count = 0;
        NativeMethods.rocksdb_iter_seek_to_first(iterator);
        while (NativeMethods.rocksdb_iter_valid(iterator) != 0)
        {
            count++;
            NativeMethods.rocksdb_iter_next(iterator);
        }

        RocksDbCursor.ThrowIfIteratorFailed(iterator);
        return count;
    }

    public IPartitionCursor OpenCursor()
    {
        ThrowIfUnusable();
        return new RocksDbCursor(CreateIterator());
    }

    public IPartitionCursor OpenScanCursor()
    {
        ThrowIfUnusable();
        return new RocksDbCursor(CreateIterator(ScanReadOptions));
    }

    private unsafe bool Read(byte[] key, bool copy, out byte[]? value)
    {
        StorageArguments.ValidateKey(key, Limits);
        ThrowIfUnusable();
        value = null;
        nint error = 0;
        nint slice;
        try
        {
            // The slice pins memory of the column family's current version: keep the database and column family
            // alive until it is destroyed, even if the store is disposed meanwhile.
            using var lease = new HandleLease(Db, ColumnFamily);
            fixed (byte* k = &MemoryMarshal.GetArrayDataReference(key))
            {
                slice = NativeMethods.rocksdb_get_pinned_cf(Db, ReadOptions, ColumnFamily, k, (nuint)key.Length, &error);
            }

            if (slice != 0)
            {
                try
                {
                    if (copy)
                    {
                        nuint length = 0;
                        var pinned = NativeMethods.rocksdb_pinnableslice_value(slice, &length);
                        value = new ReadOnlySpan<byte>(pinned, checked((int)length)).ToArray();
                    }

                    return true;
                }
                finally
                {
                    NativeMethods.rocksdb_pinnableslice_destroy(slice);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // A handle was disposed by a racing drop or dispose: report that, not the SafeHandle's message.
            ThrowIfUnusable();
            throw;
        }

        if (error != 0)
        {
            ThrowNative(error, "get");
        }

        return false;
    }

    /// <summary>A reference to pin for a key: the array's first byte, also for an empty array.</summary>
    internal static ref byte Pin(ReadOnlySpan<byte> key) =>
        ref key.IsEmpty ? ref MemoryMarshal.GetArrayDataReference(_emptyKey) : ref MemoryMarshal.GetReference(key);

    /// <summary>Throws <see cref="ObjectDisposedException"/> or <see cref="PartitionDroppedException"/> when reads are no longer allowed.</summary>
    protected abstract void ThrowIfUnusable();

    /// <summary>Throws the native error, unless it is explained by a drop or dispose that raced with the call.</summary>
    [DoesNotReturn]
    protected void ThrowNative(nint error, string operation)
    {
        var exception = NativeError.Take(error, $"{operation} in partition '{Name}'");
        ThrowIfUnusable();
        throw exception;
    }

    private IteratorHandle CreateIterator(ReadOptionsHandle? readOptions = null)
    {
        try
        {
            return IteratorHandle.Create(Db, readOptions ?? ReadOptions, ColumnFamily);
        }
        catch (ObjectDisposedException)
        {
            ThrowIfUnusable();
            throw;
        }
    }
}
