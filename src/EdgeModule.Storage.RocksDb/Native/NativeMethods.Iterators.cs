using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>
/// Iterators. An iterator reads one consistent version of its column family (the read options' snapshot, or an
/// implicit one taken at creation) and pins the memtables and files of that version until it is destroyed.
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>
    /// Freed with <see cref="rocksdb_iter_destroy"/>, before the database is closed. Copies the read options, but
    /// keeps using the snapshot they name.
    /// </summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_create_iterator_cf(DatabaseHandle db, ReadOptionsHandle options, ColumnFamilyHandle columnFamily);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_destroy(nint iterator);

    // SuppressGCTransition on the three accessors called for every entry: they only return a member of the iterator
    // (no I/O, no locks, no allocation), so the GC mode switch would cost more than the call.
    [LibraryImport(Library)]
    [SuppressGCTransition]
    internal static partial byte rocksdb_iter_valid(IteratorHandle iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek_to_first(IteratorHandle iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek_to_last(IteratorHandle iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek(IteratorHandle iterator, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_seek_for_prev(IteratorHandle iterator, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_next(IteratorHandle iterator);

    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_prev(IteratorHandle iterator);

    /// <summary>Points into the iterator: valid until it moves or is destroyed. Not freed.</summary>
    [LibraryImport(Library)]
    [SuppressGCTransition]
    internal static partial byte* rocksdb_iter_key(IteratorHandle iterator, nuint* length);

    /// <summary>Points into the iterator: valid until it moves or is destroyed. Not freed.</summary>
    [LibraryImport(Library)]
    [SuppressGCTransition]
    internal static partial byte* rocksdb_iter_value(IteratorHandle iterator, nuint* length);

    /// <summary>Why an iterator became invalid: I/O error or corruption (errptr set), or simply the end (not set).</summary>
    [LibraryImport(Library)]
    internal static partial void rocksdb_iter_get_error(IteratorHandle iterator, nint* errptr);
}
