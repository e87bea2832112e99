namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>rocksdb_iterator_t: keeps its database, column family and read options (and so their snapshot) alive.</summary>
internal sealed class IteratorHandle : NativeHandle
{
    public static IteratorHandle Create(DatabaseHandle db, ReadOptionsHandle readOptions, ColumnFamilyHandle columnFamily)
    {
        var iterator = new IteratorHandle();
        nint pointer = 0;
        try
        {
            iterator.AddParent(db);
            iterator.AddParent(columnFamily);
            iterator.AddParent(readOptions);
            pointer = NativeMethods.rocksdb_create_iterator_cf(db, readOptions, columnFamily);
        }
        finally
        {
            iterator.Adopt(pointer);
        }

        iterator.ThrowIfNotCreated("creation of an iterator");

        return iterator;
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_iter_destroy(pointer);
}
