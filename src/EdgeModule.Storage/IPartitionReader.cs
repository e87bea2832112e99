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
}
