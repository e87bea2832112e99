using System.Runtime.InteropServices;
using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// A native write batch (RocksDB copies keys and values in when they are added). It also remembers the partitions it
/// touches, so <see cref="RocksDbStore.Write"/> can refuse a batch naming a dropped partition before writing.
/// </summary>
internal sealed class RocksDbWriteBatch(RocksDbStore store) : IWriteBatch
{
    private readonly WriteBatchHandle _handle = WriteBatchHandle.Create();
    private readonly List<RocksDbPartition> _partitions = [];
    private int _count;
    private bool _disposed;

    public RocksDbStore Store { get; } = store;

    public int Count => _count;

    internal WriteBatchHandle Handle => _handle;

    internal List<RocksDbPartition> Partitions => _partitions;

    public void Put(IPartition partition, byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Put(partition, key.AsSpan(), value.AsSpan());
    }

    public unsafe void Put(IPartition partition, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var ours = Check(partition, key);
        StorageArguments.ValidateValueLength(value.Length, Store.Limits);
        Track(ours);
        if (!ours.IsDropped)
        {
            fixed (byte* k = &MemoryMarshal.GetReference(key))
            fixed (byte* v = &MemoryMarshal.GetReference(value))
            {
                try
                {
                    NativeMethods.rocksdb_writebatch_put_cf(_handle, ours.ColumnFamily, k, (nuint)key.Length, v, (nuint)value.Length);
                }
                catch (ObjectDisposedException) when (ours.IsDropped)
                {
                    // Dropped meanwhile: the batch now names a dropped partition and Write refuses it as a whole.
                }
            }
        }

        _count++;
    }

    public unsafe void Remove(IPartition partition, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ours = Check(partition, key);
        Track(ours);
        if (!ours.IsDropped)
        {
            fixed (byte* k = &MemoryMarshal.GetArrayDataReference(key))
            {
                try
                {
                    NativeMethods.rocksdb_writebatch_delete_cf(_handle, ours.ColumnFamily, k, (nuint)key.Length);
                }
                catch (ObjectDisposedException) when (ours.IsDropped)
                {
                    // As in Put.
                }
            }
        }

        _count++;
    }

    public void Clear()
    {
        ThrowIfDisposed();
        NativeMethods.rocksdb_writebatch_clear(_handle);
        _partitions.Clear();
        _count = 0;
    }

    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private RocksDbPartition Check(IPartition partition, ReadOnlySpan<byte> key)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(partition);
        if (partition is not RocksDbPartition ours || !ReferenceEquals(ours.Store, Store))
        {
            throw new ArgumentException("The partition belongs to another store.", nameof(partition));
        }

        StorageArguments.ValidateKeyLength(key.Length, Store.Limits);
        Store.ThrowIfDisposed();
        return ours;
    }

    private void Track(RocksDbPartition partition)
    {
        // Batches touch one or a few partitions; a list beats a set here.
        if (_partitions.Count == 0 || !ReferenceEquals(_partitions[^1], partition))
        {
            if (!_partitions.Contains(partition))
            {
                _partitions.Add(partition);
            }
        }
    }
}
