using System.Runtime.InteropServices;
using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// A live partition: one column family, read and written with the store's shared read and write options. One
/// instance per column family; after a drop it only throws <see cref="PartitionDroppedException"/>.
/// </summary>
internal sealed class RocksDbPartition : RocksDbPartitionReader, IPartition
{
    private volatile bool _dropped;

    public RocksDbPartition(RocksDbStore store, string name, ColumnFamilyHandle columnFamily)
        : base(name, store.Limits, store.Db, store.ReadOptions, columnFamily)
    {
        Store = store;
    }

    public RocksDbStore Store { get; }

    internal bool IsDropped => _dropped;

    public unsafe void Put(byte[] key, byte[] value)
    {
        StorageArguments.ValidateKey(key, Limits);
        StorageArguments.ValidateValue(value, Limits);
        ThrowIfUnusable();
        nint error = 0;

        // The hot path: no allocation; the arrays are pinned for the call and RocksDB copies them.
        fixed (byte* k = &MemoryMarshal.GetArrayDataReference(key))
        fixed (byte* v = &MemoryMarshal.GetArrayDataReference(value))
        {
            try
            {
                NativeMethods.rocksdb_put_cf(Db, Store.WriteOptions, ColumnFamily, k, (nuint)key.Length, v, (nuint)value.Length, &error);
            }
            catch (ObjectDisposedException)
            {
                ThrowIfUnusable();
                throw;
            }
        }

        if (error != 0)
        {
            ThrowNative(error, "put");
        }
    }

    public unsafe void Remove(byte[] key)
    {
        StorageArguments.ValidateKey(key, Limits);
        ThrowIfUnusable();
        nint error = 0;
        fixed (byte* k = &MemoryMarshal.GetArrayDataReference(key))
        {
            try
            {
                NativeMethods.rocksdb_delete_cf(Db, Store.WriteOptions, ColumnFamily, k, (nuint)key.Length, &error);
            }
            catch (ObjectDisposedException)
            {
                ThrowIfUnusable();
                throw;
            }
        }

        if (error != 0)
        {
            ThrowNative(error, "remove");
        }
    }

    /// <summary>Set before the native drop (so no write slips in as if the partition were live), undone if it fails.</summary>
    internal void MarkDropped(bool dropped) => _dropped = dropped;

    protected override void ThrowIfUnusable()
    {
        Store.ThrowIfDisposed();
        if (_dropped)
        {
            throw PartitionDroppedException.For(Name);
        }
    }
}
