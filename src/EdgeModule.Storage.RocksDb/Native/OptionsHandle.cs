namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>rocksdb_options_t: database and column family options. RocksDB copies them when it uses them.</summary>
internal sealed class OptionsHandle : NativeHandle
{
    public static OptionsHandle Create()
    {
        var options = new OptionsHandle();
        nint pointer = 0;
        try
        {
            pointer = NativeMethods.rocksdb_options_create();
        }
        finally
        {
            options.Adopt(pointer);
        }

        options.ThrowIfNotCreated("creation of options");

        return options;
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_options_destroy(pointer);
}
