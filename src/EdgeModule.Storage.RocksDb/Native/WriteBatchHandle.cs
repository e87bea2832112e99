namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>rocksdb_writebatch_t: depends on no database (operations name column families by id).</summary>
internal sealed class WriteBatchHandle : NativeHandle
{
    public static WriteBatchHandle Create()
    {
        var batch = new WriteBatchHandle();
        nint pointer = 0;
        try
        {
            pointer = NativeMethods.rocksdb_writebatch_create();
        }
        finally
        {
            batch.Adopt(pointer);
        }

        batch.ThrowIfNotCreated("creation of a write batch");

        return batch;
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_writebatch_destroy(pointer);
}
