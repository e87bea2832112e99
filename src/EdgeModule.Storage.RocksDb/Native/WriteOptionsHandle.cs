namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>rocksdb_writeoptions_t: created once per store and shared by every write (RocksDB only reads it).</summary>
internal sealed class WriteOptionsHandle : NativeHandle
{
    public static WriteOptionsHandle Create(bool sync, bool disableWal)
    {
        var options = new WriteOptionsHandle();
        nint pointer = 0;
        try
        {
            pointer = NativeMethods.rocksdb_writeoptions_create();
        }
        finally
        {
            options.Adopt(pointer);
        }

        options.ThrowIfNotCreated("creation of write options");

        NativeMethods.rocksdb_writeoptions_set_sync(options, sync ? (byte)1 : (byte)0);
        NativeMethods.rocksdb_writeoptions_disable_WAL(options, disableWal ? 1 : 0);
        return options;
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_writeoptions_destroy(pointer);
}
