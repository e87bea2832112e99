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

        // Refuse before writing. A drop racing with this check is caught by RocksDB itself, which rejects a batch
        // naming a dropped column family as a whole; that error is then reported as the drop it is.
        ThrowIfAnyDropped(ours, inner: null);
        nint error = 0;
        NativeMethods.rocksdb_write(Db, WriteOptions, ours.Handle, &error);
        if (error != 0)
        {
            var exception = NativeError.Take(error, "write of a batch");
            ThrowIfAnyDropped(ours, exception);
            throw exception;
        }
    }

    private static void ThrowIfAnyDropped(RocksDbWriteBatch batch, Exception? inner)
    {
        foreach (var partition in batch.Partitions)
        {
            if (partition.IsDropped)
            {
                var message = PartitionDroppedException.For(partition.Name).Message + " Nothing of the batch was written.";
                throw inner is null ? new PartitionDroppedException(message) : new PartitionDroppedException(message, inner);
            }
        }
    }
}
