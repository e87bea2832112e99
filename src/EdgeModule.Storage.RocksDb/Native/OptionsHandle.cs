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

    /// <summary>
    /// New options: these with the "name=value;..." settings of <paramref name="text"/> applied. These are disposed;
    /// a setting RocksDB does not accept throws <see cref="RocksDbException"/> and disposes both.
    /// </summary>
    public unsafe OptionsHandle With(string text)
    {
        var updated = Create();
        try
        {
            nint error = 0;
            NativeMethods.rocksdb_get_options_from_string(this, text, updated, &error);
            NativeError.ThrowIfSet(error, $"applying the options \"{text}\"");
        }
        catch
        {
            updated.Dispose();
            throw;
        }
        finally
        {
            Dispose();
        }

        return updated;
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_options_destroy(pointer);
}
