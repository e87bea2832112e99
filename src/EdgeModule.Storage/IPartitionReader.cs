namespace EdgeModule.Storage;

/// <summary>Read access to one partition, either live or as of a snapshot.</summary>
public interface IPartitionReader
{
    string Name { get; }

    /// <summary>The value, or null when the key is absent.</summary>
    byte[]? Get(byte[] key);

    bool Contains(byte[] key);

    /// <summary>
    /// Exact number of entries. The in-memory backend keeps a counter; RocksDB counts by iterating keys (O(n)).
    /// </summary>
    long Count();

    /// <summary>
    /// A cursor over a fixed point in time (the snapshot's, or the moment it was opened). Dispose it: an open cursor
    /// pins memory (and, for RocksDB, files).
    /// </summary>
    IPartitionCursor OpenCursor();

    /// <summary>
    /// A cursor like <see cref="OpenCursor"/>, for one pass over the whole partition in key order (a backup): the
    /// backend may read ahead in large blocks and keep what it reads out of its caches, which makes a full scan
    /// faster and leaves the cache to the live store's reads. Seeks work, but a short read pays for the read-ahead.
    /// </summary>
    IPartitionCursor OpenScanCursor() => OpenCursor();
}
