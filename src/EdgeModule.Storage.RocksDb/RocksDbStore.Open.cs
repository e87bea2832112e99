using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>Opening: native options from <see cref="RocksDbStoreOptions"/>, column family discovery, identity.</summary>
public sealed partial class RocksDbStore
{
    /// <summary>Applies the options; the handle is kept for the store's life to create column families with.</summary>
    internal static OptionsHandle CreateNativeOptions(RocksDbStoreOptions options)
    {
        var native = OptionsHandle.Create();
        if (!options.AllowFallocate)
        {
            native = native.With("allow_fallocate=false");
        }

        NativeMethods.rocksdb_options_set_create_if_missing(native, 1);
        NativeMethods.rocksdb_options_set_max_total_wal_size(native, (ulong)options.MaxTotalWalSizeBytes);
        NativeMethods.rocksdb_options_set_write_buffer_size(native, (nuint)options.WriteBufferSizeBytes);
        NativeMethods.rocksdb_options_set_max_write_buffer_number(native, options.MaxWriteBufferNumber);
        NativeMethods.rocksdb_options_set_max_open_files(native, options.MaxOpenFiles);
        NativeMethods.rocksdb_options_set_compression(native, options.Compression switch
        {
            RocksDbCompression.None => NativeMethods.NoCompression,
            RocksDbCompression.Snappy => NativeMethods.SnappyCompression,
            RocksDbCompression.Zstd => NativeMethods.ZstdCompression,
            _ => NativeMethods.Lz4Compression,
        });

        if (options.EnableInfoLog)
        {
            NativeMethods.rocksdb_options_set_info_log_level(native, NativeMethods.InfoLogLevelInfo);
            NativeMethods.rocksdb_options_set_max_log_file_size(native, 4 * 1024 * 1024);
            NativeMethods.rocksdb_options_set_keep_log_file_num(native, 3);
        }
        else
        {
            // The 7.8 C API cannot install a null logger: HEADER is the quietest level (only the option dumps at open
            // and column family creation remain), no statistics dump, and no LOG.old.* files kept.
            NativeMethods.rocksdb_options_set_info_log_level(native, NativeMethods.InfoLogLevelHeader);
            NativeMethods.rocksdb_options_set_stats_dump_period_sec(native, 0);
            NativeMethods.rocksdb_options_set_max_log_file_size(native, 1024 * 1024);
            NativeMethods.rocksdb_options_set_keep_log_file_num(native, 1);
        }

        return native;
    }

    private static OpenedDatabase OpenDatabase(RocksDbStoreOptions options, string path)
    {
        var native = CreateNativeOptions(options);
        DatabaseHandle? db = null;
        ColumnFamilyHandle[] handles = [];
        ReadOptionsHandle? readOptions = null;
        WriteOptionsHandle? writeOptions = null;
        try
        {
            // RocksDB must be given every existing column family; a new database has only "default". (Listing a
            // folder without a database fails, hence the CURRENT check.)
            List<string> names = File.Exists(System.IO.Path.Combine(path, "CURRENT"))
                ? DatabaseHandle.ListColumnFamilies(native, path)
                : [DefaultColumnFamily];
            db = DatabaseHandle.Open(native, path, names, out handles);
            readOptions = ReadOptionsHandle.Create(snapshot: null);
            writeOptions = WriteOptionsHandle.Create(options.SyncWrites, options.DisableWal);
            var identity = ReadIdentity(path);

            ColumnFamilyHandle? defaultColumnFamily = null;
            var partitions = new List<(string, ColumnFamilyHandle)>();
            for (var i = 0; i < names.Count; i++)
            {
                if (string.Equals(names[i], DefaultColumnFamily, StringComparison.Ordinal))
                {
                    defaultColumnFamily = handles[i];
                }
                else
                {
                    partitions.Add((names[i], handles[i]));
                }
            }

            return new OpenedDatabase(native, db, defaultColumnFamily!, readOptions, writeOptions, identity, partitions);
        }
        catch
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }

            writeOptions?.Dispose();
            readOptions?.Dispose();
            db?.Dispose();
            native.Dispose();
            throw;
        }
    }

    /// <summary>RocksDB writes a UUID to IDENTITY when it creates the database; 7.8's C API has no getter for it.</summary>
    private static string ReadIdentity(string path)
    {
        var file = System.IO.Path.Combine(path, "IDENTITY");
        try
        {
            var identity = File.ReadAllText(file).Trim();
            return identity.Length > 0 ? identity : throw new RocksDbException($"The RocksDB identity file '{file}' is empty.");
        }
        catch (IOException ex)
        {
            throw new RocksDbException($"The RocksDB identity file '{file}' could not be read: {ex.Message}", ex);
        }
    }

    private sealed record OpenedDatabase(
        OptionsHandle Options,
        DatabaseHandle Db,
        ColumnFamilyHandle DefaultColumnFamily,
        ReadOptionsHandle ReadOptions,
        WriteOptionsHandle WriteOptions,
        string Identity,
        List<(string Name, ColumnFamilyHandle Handle)> Partitions);
}
