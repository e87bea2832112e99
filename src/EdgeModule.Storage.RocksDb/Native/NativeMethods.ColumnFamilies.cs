using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>Column families: the store's partitions.</summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>
    /// Creates a column family. The returned handle is freed with <see cref="rocksdb_column_family_handle_destroy"/>,
    /// before the database is closed. The options are copied.
    /// </summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint rocksdb_create_column_family(DatabaseHandle db, OptionsHandle options, string name, nint* errptr);

    /// <summary>
    /// Marks the column family dropped (persisted in the MANIFEST). The handle stays valid and must still be
    /// destroyed; until it is, reads through it (and snapshots) still see the data, and its files stay on disk.
    /// Writes to it fail with "Invalid column family specified in write batch" (not atomically for a batch: see
    /// rocksdb_write).
    /// </summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_drop_column_family(DatabaseHandle db, ColumnFamilyHandle handle, nint* errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_column_family_handle_destroy(nint handle);
}
