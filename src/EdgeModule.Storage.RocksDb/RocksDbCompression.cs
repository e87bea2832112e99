namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// Block compression of the SST files (the WAL and memtables are not compressed). Debian's librocksdb7.8 links
/// snappy, lz4 and zstd, so each value works there; a build without one fails at open with RocksDB's
/// "Compression type ... is not linked with the binary".
/// </summary>
public enum RocksDbCompression
{
    /// <summary>No compression: least CPU, most disk.</summary>
    None,

    /// <summary>RocksDB's own default; similar to LZ4, slightly slower to decompress.</summary>
    Snappy,

    /// <summary>Fast with a fair ratio on JSON telemetry; the store's default, cheap enough for small ARM devices.</summary>
    Lz4,

    /// <summary>Best ratio, more CPU: for devices short of disk rather than of CPU.</summary>
    Zstd,
}
