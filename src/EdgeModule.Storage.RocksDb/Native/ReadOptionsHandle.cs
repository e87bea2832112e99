namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>
/// rocksdb_readoptions_t, shared by the reads of the store (live) or of one snapshot. Read options only point at
/// their snapshot, so they hold a reference on it.
/// </summary>
internal sealed class ReadOptionsHandle : NativeHandle
{
    public static ReadOptionsHandle Create(SnapshotHandle? snapshot)
    {
        var options = new ReadOptionsHandle();
        nint pointer = 0;
        try
        {
            if (snapshot is not null)
            {
                options.AddParent(snapshot);
            }

            pointer = NativeMethods.rocksdb_readoptions_create();
        }
        finally
        {
            options.Adopt(pointer);
        }

        options.ThrowIfNotCreated("creation of read options");

        if (snapshot is not null)
        {
            NativeMethods.rocksdb_readoptions_set_snapshot(options, snapshot);
        }

        return options;
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_readoptions_destroy(pointer);
}
