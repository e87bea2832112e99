using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>A partition as of a snapshot: the snapshot's borrowed column family handle and read options (and scan read options).</summary>
internal sealed class RocksDbSnapshotPartition(RocksDbSnapshot snapshot, string name, StorageOptions limits, ColumnFamilyHandle columnFamily)
    : RocksDbPartitionReader(name, limits, snapshot.Db, snapshot.ReadOptions, columnFamily, snapshot.ScanReadOptions)
{
    // Not the store's state: a snapshot keeps reading after the store is disposed or the partition dropped.
    protected override void ThrowIfUnusable() => snapshot.ThrowIfDisposed();
}
