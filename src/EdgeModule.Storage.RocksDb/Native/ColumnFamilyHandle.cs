namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>rocksdb_column_family_handle_t: one partition. Holds the database open until it is destroyed.</summary>
internal sealed class ColumnFamilyHandle : NativeHandle
{
    public static unsafe ColumnFamilyHandle Create(DatabaseHandle db, OptionsHandle options, string name)
    {
        var columnFamily = new ColumnFamilyHandle();
        nint pointer = 0;
        nint error = 0;
        try
        {
            columnFamily.AddParent(db);
            pointer = NativeMethods.rocksdb_create_column_family(db, options, name, &error);
        }
        finally
        {
            columnFamily.Adopt(error == 0 ? pointer : 0);
        }

        NativeError.ThrowIfSet(error, $"creation of column family '{name}'");
        columnFamily.ThrowIfNotCreated("creation of column family");
        return columnFamily;
    }

    /// <summary>Wraps a handle that rocksdb_open_column_families returned.</summary>
    public static ColumnFamilyHandle FromOpen(DatabaseHandle db, nint pointer)
    {
        var columnFamily = new ColumnFamilyHandle();
        try
        {
            columnFamily.AddParent(db);
        }
        finally
        {
            columnFamily.Adopt(pointer);
        }

        return columnFamily;
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_column_family_handle_destroy(pointer);
}
