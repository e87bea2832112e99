using System.Runtime.InteropServices;
using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// A live partition: one column family, read and written with the store's shared read and write options. One
/// instance per column family; after a drop it only throws <see cref="PartitionDroppedException"/>.
/// </summary>
/// <remarks>
/// Writes and the drop are gated: RocksDB rejects a write to a dropped column family, but under concurrent writers
/// not atomically (a batch racing the drop can be partly applied; seen with 7.8). So every write registers itself
/// in <see cref="_state"/> for the duration of the native call, and a drop first sets the dropped bit (no new write
/// gets in) and then waits for the writes in flight before it calls RocksDB.
/// </remarks>
internal sealed class RocksDbPartition : RocksDbPartitionReader, IPartition
{
    private const int DroppedBit = int.MinValue;

    // The sign bit: dropped. The other bits: native writes in flight.
    private int _state;

    public RocksDbPartition(RocksDbStore store, string name, ColumnFamilyHandle columnFamily)
        : base(name, store.Limits, store.Db, store.ReadOptions, columnFamily)
    {
        Store = store;
    }

    public RocksDbStore Store { get; }

    internal bool IsDropped => Volatile.Read(ref _state) < 0;

    public unsafe void Put(byte[] key, byte[] value)
    {
        StorageArguments.ValidateKey(key, Limits);
        StorageArguments.ValidateValue(value, Limits);
        EnterWrite();
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
            finally
            {
                ExitWrite();
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
        EnterWrite();
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
            finally
            {
                ExitWrite();
            }
        }

        if (error != 0)
        {
            ThrowNative(error, "remove");
        }
    }

    /// <summary>Registers a native write; false when the partition is dropped (or being dropped).</summary>
    internal bool TryEnterWrite()
    {
        if (Interlocked.Increment(ref _state) > 0)
        {
            return true;
        }

        Interlocked.Decrement(ref _state);
        return false;
    }

    internal void ExitWrite() => Interlocked.Decrement(ref _state);

    /// <summary>Sets the dropped bit, then waits until the writes in flight (each one native call) are done.</summary>
    internal void BeginDrop()
    {
        Interlocked.Or(ref _state, DroppedBit);
        var spin = default(SpinWait);
        while ((Volatile.Read(ref _state) & ~DroppedBit) != 0)
        {
            spin.SpinOnce();
        }
    }

    /// <summary>The native drop failed: the partition is live again.</summary>
    internal void CancelDrop() => Interlocked.And(ref _state, ~DroppedBit);

    protected override void ThrowIfUnusable()
    {
        Store.ThrowIfDisposed();
        if (IsDropped)
        {
            throw PartitionDroppedException.For(Name);
        }
    }

    private void EnterWrite()
    {
        Store.ThrowIfDisposed();
        if (!TryEnterWrite())
        {
            throw PartitionDroppedException.For(Name);
        }
    }
}
