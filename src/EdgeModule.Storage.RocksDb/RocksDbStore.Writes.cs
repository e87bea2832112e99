using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>Batches: a native write batch applied with rocksdb_write, atomically.</summary>
public sealed partial class RocksDbStore
{
    public IWriteBatch CreateWriteBatch()
    {
        ThrowIfDisposed();
        return new RocksDbWriteBatch(this);
    }

    public unsafe void Write(IWriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch is not RocksDbWriteBatch ours || !ReferenceEquals(ours.Store, this))
        {
            throw new ArgumentException("The batch was created by another store.", nameof(batch));
        }

        ThrowIfDisposed();
        ours.ThrowIfDisposed();
        if (ours.Count == 0)
        {
            return;
        }

        // Register with every partition the batch touches, so none can be dropped while RocksDB applies it (RocksDB
        // would reject the batch, but not atomically); a partition already dropped fails the batch before writing.
        var partitions = ours.Partitions;
        var entered = 0;
        nint error = 0;
        try
        {
            for (; entered < partitions.Count; entered++)
            {
                if (!partitions[entered].TryEnterWrite())
                {
                    throw Dropped(partitions[entered]);
                }
            }

            NativeMethods.rocksdb_write(Db, WriteOptions, ours.Handle, &error);
        }
        finally
        {
            for (var i = 0; i < entered; i++)
            {
                partitions[i].ExitWrite();
            }
        }

        NativeError.ThrowIfSet(error, "write of a batch");
    }

    private static PartitionDroppedException Dropped(RocksDbPartition partition) =>
        new(PartitionDroppedException.For(partition.Name).Message + " Nothing of the batch was written.");
}
