using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>Single-key reads and writes. Keys and values are (pointer, length): RocksDB copies them.</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library)]
    internal static partial void rocksdb_put_cf(
        DatabaseHandle db,
        WriteOptionsHandle options,
        ColumnFamilyHandle columnFamily,
        byte* key,
        nuint keyLength,
        byte* value,
        nuint valueLength,
        nint* errptr);

    [LibraryImport(Library)]
    internal static partial void rocksdb_delete_cf(
        DatabaseHandle db,
        WriteOptionsHandle options,
        ColumnFamilyHandle columnFamily,
        byte* key,
        nuint keyLength,
        nint* errptr);

    /// <summary>
    /// Null when the key is absent. Otherwise a pinnable slice (the value stays pinned in the block cache or memtable
    /// without a copy), freed with <see cref="rocksdb_pinnableslice_destroy"/>; it is a short-lived object that never
    /// leaves the calling method, so it is a raw pointer released in a finally block rather than a SafeHandle.
    /// </summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_get_pinned_cf(
        DatabaseHandle db,
        ReadOptionsHandle options,
        ColumnFamilyHandle columnFamily,
        byte* key,
        nuint keyLength,
        nint* errptr);

    /// <summary>Points into the slice: valid until the slice is destroyed.</summary>
    [LibraryImport(Library)]
    internal static partial byte* rocksdb_pinnableslice_value(nint slice, nuint* length);

    [LibraryImport(Library)]
    internal static partial void rocksdb_pinnableslice_destroy(nint slice);
}
