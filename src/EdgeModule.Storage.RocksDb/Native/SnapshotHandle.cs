namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>rocksdb_snapshot_t: released on the database that made it, which it therefore keeps open.</summary>
internal sealed class SnapshotHandle : NativeHandle
{
    private DatabaseHandle? _db;

    public static SnapshotHandle Create(DatabaseHandle db)
    {
        var snapshot = new SnapshotHandle();
        nint pointer = 0;
        try
        {
            snapshot.AddParent(db);
            snapshot._db = db;
            pointer = NativeMethods.rocksdb_create_snapshot(db);
        }
        finally
        {
            snapshot.Adopt(pointer);
        }

        snapshot.ThrowIfNotCreated("creation of a snapshot");

        return snapshot;
    }

    // The database is a parent, so it is still open here.
    protected override void Free(nint pointer) => NativeMethods.rocksdb_release_snapshot(_db!.DangerousGetHandle(), pointer);
}
