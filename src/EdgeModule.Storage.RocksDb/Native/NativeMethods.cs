using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>
/// The RocksDB C API (include/rocksdb/c.h of 7.8), only what the store uses. This file: the library and the database
/// lifecycle and options; the other parts are grouped by purpose in NativeMethods.*.cs.
/// </summary>
/// <remarks>
/// Conventions: <c>size_t</c> is <see cref="nuint"/> and pointers are <see cref="nint"/> or typed pointers, so 32-bit
/// ARM works; <c>unsigned char</c> booleans are <see cref="byte"/>. Live objects are passed as their
/// <see cref="SafeHandle"/> (the marshaller holds a reference for the duration of the call, so a concurrent dispose
/// can never free an object under a running call); destroy functions take the raw pointer, because they are only
/// called from <see cref="SafeHandle.ReleaseHandle"/>. Functions that fail take <c>char** errptr</c>: it must point to
/// null on entry; on failure RocksDB stores a malloc'ed message there, which <see cref="NativeError"/> turns into a
/// <see cref="RocksDbException"/> and frees with <see cref="rocksdb_free"/>.
/// </remarks>
internal static unsafe partial class NativeMethods
{
    /// <summary>The name every import uses; <see cref="RocksDbLibrary"/> maps it to the real soname.</summary>
    internal const string Library = "rocksdb";

    // Options values from c.h / rocksdb/env.h.
    internal const int InfoLogLevelInfo = 1;
    internal const int InfoLogLevelHeader = 5;
    internal const int NoCompression = 0;
    internal const int SnappyCompression = 1;
    internal const int Lz4Compression = 4;
    internal const int ZstdCompression = 7;

    // The resolver must be in place before the first call into the library; an explicit static constructor runs
    // before any member of this class is used.
    static NativeMethods() => RocksDbLibrary.EnsureResolver();

    /// <summary>Frees what RocksDB malloc'ed for us: error strings, rocksdb_get values, names.</summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_free(nint ptr);

    /// <summary>
    /// A database property ("rocksdb.stats", "rocksdb.estimate-num-keys", ...) as a malloc'ed string, freed with
    /// <see cref="rocksdb_free"/>; 0 when the property is unknown.
    /// </summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint rocksdb_property_value(DatabaseHandle db, string propname);

    // ---- Database lifecycle --------------------------------------------------------------------------------------

    /// <summary>
    /// Opens the database with the given column families (all existing ones must be listed). On success fills
    /// <paramref name="columnFamilyHandles"/>: each is freed with rocksdb_column_family_handle_destroy before the
    /// database is freed with <see cref="rocksdb_close"/>. The options are copied; the caller keeps owning them.
    /// </summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint rocksdb_open_column_families(
        OptionsHandle options,
        string name,
        int numColumnFamilies,
        byte** columnFamilyNames,
        nint* columnFamilyOptions,
        nint* columnFamilyHandles,
        nint* errptr);

    /// <summary>
    /// The column families of the database at <paramref name="name"/>. The array and its strings are freed together
    /// with <see cref="rocksdb_list_column_families_destroy"/>.
    /// </summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial byte** rocksdb_list_column_families(OptionsHandle options, string name, nuint* count, nint* errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_list_column_families_destroy(byte** list, nuint count);

    /// <summary>Flushes (if the WAL is off and there is unpersisted data), closes and frees the database.</summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_close(nint db);

    /// <summary>The newest sequence number (not freed: a value).</summary>
    [LibraryImport(Library)]
    internal static partial ulong rocksdb_get_latest_sequence_number(DatabaseHandle db);

    // ---- Options (DB and column family options are one object in the C API) ---------------------------------------

    /// <summary>Freed with <see cref="rocksdb_options_destroy"/>.</summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_options_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_destroy(nint options);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_create_if_missing(OptionsHandle options, byte value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_max_total_wal_size(OptionsHandle options, ulong bytes);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_write_buffer_size(OptionsHandle options, nuint bytes);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_max_open_files(OptionsHandle options, int files);

    /// <summary>
    /// Copies <paramref name="baseOptions"/> into <paramref name="newOptions"/> with the "name=value;..." settings of
    /// <paramref name="text"/> applied: the way to reach options the 7.8 C API has no setter for.
    /// </summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial void rocksdb_get_options_from_string(OptionsHandle baseOptions, string text, OptionsHandle newOptions, nint* error);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_max_write_buffer_number(OptionsHandle options, int number);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_compression(OptionsHandle options, int compression);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_info_log_level(OptionsHandle options, int level);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_keep_log_file_num(OptionsHandle options, nuint files);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_max_log_file_size(OptionsHandle options, nuint bytes);

    [LibraryImport(Library)]
    internal static partial void rocksdb_options_set_stats_dump_period_sec(OptionsHandle options, uint seconds);

    /// <summary>Freed with <see cref="rocksdb_readoptions_destroy"/>.</summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_readoptions_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_destroy(nint options);

    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_set_fill_cache(ReadOptionsHandle options, byte value);

    /// <summary>Iterators read this many bytes ahead in one read (0: RocksDB's own growing read-ahead).</summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_set_readahead_size(ReadOptionsHandle options, nuint bytes);

    /// <summary>The read options only point at the snapshot: it must outlive them (and every read made with them).</summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_readoptions_set_snapshot(ReadOptionsHandle options, SnapshotHandle snapshot);

    /// <summary>Freed with <see cref="rocksdb_writeoptions_destroy"/>.</summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_writeoptions_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_writeoptions_destroy(nint options);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writeoptions_set_sync(WriteOptionsHandle options, byte value);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writeoptions_disable_WAL(WriteOptionsHandle options, int disable);
}
