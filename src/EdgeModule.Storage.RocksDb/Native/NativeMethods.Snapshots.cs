using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>
/// Snapshots. RocksDB 7.8's C API has no rocksdb_snapshot_get_sequence_number (it came in 8.x), so the sequence of
/// a snapshot is bracketed with <see cref="rocksdb_get_latest_sequence_number"/> (see RocksDbStore.Snapshots.cs).
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>Freed with <see cref="rocksdb_release_snapshot"/> on the same database, before it is closed.</summary>
    [LibraryImport(Library)]
    internal static partial nint rocksdb_create_snapshot(DatabaseHandle db);

    [LibraryImport(Library)]
    internal static partial void rocksdb_release_snapshot(nint db, nint snapshot);
}
