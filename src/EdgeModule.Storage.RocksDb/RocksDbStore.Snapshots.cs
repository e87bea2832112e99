using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>Snapshots: a RocksDB snapshot plus the list of partitions at that instant.</summary>
public sealed partial class RocksDbStore
{
    /// <summary>Attempts to read an exact sequence number before settling for a lower bound (see <see cref="TakeSnapshot"/>).</summary>
    private const int SequenceAttempts = 64;

    public IStoreSnapshot CreateSnapshot()
    {
        ThrowIfDisposed();

        // Under the lock, so no partition is created or dropped between the snapshot and the list of partitions.
        lock (_lock)
        {
            ThrowIfDisposed();
            DatabaseHandle? db = null;
            SnapshotHandle? snapshot = null;
            ReadOptionsHandle? readOptions = null;
            ReadOptionsHandle? scanReadOptions = null;
            var partitions = new List<(string, ColumnFamilyHandle)>(_partitions.Count);
            try
            {
                db = NativeHandle.Borrow(Db);
                snapshot = TakeSnapshot(db, out var sequence);
                readOptions = ReadOptionsHandle.Create(snapshot);
                scanReadOptions = ReadOptionsHandle.CreateForScan(snapshot);
                foreach (var partition in _partitions.Values)
                {
                    partitions.Add((partition.Name, NativeHandle.Borrow(partition.ColumnFamily)));
                }

                return new RocksDbSnapshot(db, snapshot, readOptions, scanReadOptions, sequence, Limits, partitions);
            }
            catch
            {
                foreach (var (_, columnFamily) in partitions)
                {
                    columnFamily.Dispose();
                }

                scanReadOptions?.Dispose();
                readOptions?.Dispose();
                snapshot?.Dispose();
                db?.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// RocksDB 7.8's C API cannot tell a snapshot's sequence number (rocksdb_snapshot_get_sequence_number is 8.x).
    /// The snapshot takes the newest sequence at the moment it is made, so when the newest sequence is the same just
    /// before and just after, that is exactly the snapshot's. Under a steady stream of writes the two may differ; then
    /// try again, and in the end report the value from before: a lower bound, so a reader that treats the snapshot as
    /// "everything up to Sequence" may see more than that, never less.
    /// </summary>
    private static SnapshotHandle TakeSnapshot(DatabaseHandle db, out long sequence)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = NativeMethods.rocksdb_get_latest_sequence_number(db);
            var snapshot = SnapshotHandle.Create(db);
            var after = NativeMethods.rocksdb_get_latest_sequence_number(db);
            if (before == after || attempt == SequenceAttempts)
            {
                sequence = (long)before;
                return snapshot;
            }

            snapshot.Dispose();
        }
    }
}
