using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>Write batches: buffered operations applied atomically by <see cref="rocksdb_write"/>.</summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>Freed with <see cref="rocksdb_writebatch_destroy"/>. Independent of any database.</summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_writebatch_create();

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_destroy(nint batch);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_clear(WriteBatchHandle batch);

    /// <summary>Copies key and value into the batch; the column family is recorded by id, not by handle.</summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_put_cf(
        WriteBatchHandle batch,
        ColumnFamilyHandle columnFamily,
        byte* key,
        nuint keyLength,
        byte* value,
        nuint valueLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_writebatch_delete_cf(
        WriteBatchHandle batch,
        ColumnFamilyHandle columnFamily,
        byte* key,
        nuint keyLength);

    /// <summary>
    /// Applies the batch atomically; the batch is left unchanged. A batch naming a dropped column family fails with
    /// InvalidArgument, but with concurrent writers the ops before it may already be applied (observed with 7.8), so
    /// the store never lets a write reach a column family being dropped.
    /// </summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_write(DatabaseHandle db, WriteOptionsHandle options, WriteBatchHandle batch, nint* errptr);
}
