using System.Diagnostics.CodeAnalysis;
using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>Partitions are column families: created on demand, discovered at open, dropped for good.</summary>
public sealed partial class RocksDbStore
{
    public IPartition GetOrCreatePartition(string name)
    {
        StorageArguments.ValidatePartitionName(name);
        ThrowIfDisposed();
        if (_partitions.TryGetValue(name, out var existing))
        {
            return existing;
        }

        lock (_lock)
        {
            ThrowIfDisposed();
            if (_partitions.TryGetValue(name, out existing))
            {
                return existing;
            }

            var partition = new RocksDbPartition(this, name, ColumnFamilyHandle.Create(Db, _dbOptions, name));
            _partitions[name] = partition;
            return partition;
        }
    }

    public IPartition GetPartition(string name) =>
        TryGetPartition(name, out var partition) ? partition : throw StorageArguments.UnknownPartition(name);

    public bool TryGetPartition(string name, [NotNullWhen(true)] out IPartition? partition)
    {
        StorageArguments.ValidatePartitionName(name);
        ThrowIfDisposed();
        partition = _partitions.TryGetValue(name, out var p) ? p : null;
        return partition is not null;
    }

    public IReadOnlyList<string> ListPartitions()
    {
        ThrowIfDisposed();
        var names = _partitions.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Drops the column family. The store gives up its handle on it; RocksDB deletes the files once no snapshot or
    /// cursor holds the column family any more (they keep reading it until then).
    /// </summary>
    public unsafe void DropPartition(string name)
    {
        StorageArguments.ValidatePartitionName(name);
        lock (_lock)
        {
            ThrowIfDisposed();
            if (!_partitions.TryGetValue(name, out var partition))
            {
                throw StorageArguments.UnknownPartition(name);
            }

            // From here no write to the column family is in flight or can start (see RocksDbPartition).
            partition.BeginDrop();
            nint error = 0;
            try
            {
                NativeMethods.rocksdb_drop_column_family(Db, partition.ColumnFamily, &error);
            }
            finally
            {
                if (error != 0)
                {
                    partition.CancelDrop();
                }
            }

            NativeError.ThrowIfSet(error, $"drop of partition '{name}'");
            _partitions.TryRemove(name, out _);
            partition.ColumnFamily.Dispose();
        }
    }
}
