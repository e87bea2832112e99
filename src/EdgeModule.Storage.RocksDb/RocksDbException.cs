namespace EdgeModule.Storage.RocksDb;

/// <summary>A RocksDB call failed; <see cref="NativeMessage"/> is RocksDB's own text (e.g. "IO error: ...").</summary>
public sealed class RocksDbException : StorageException
{
    public RocksDbException()
    {
    }

    public RocksDbException(string message)
        : base(message)
    {
    }

    public RocksDbException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal RocksDbException(string operation, string nativeMessage)
        : base($"RocksDB {operation} failed: {nativeMessage}")
    {
        Operation = operation;
        NativeMessage = nativeMessage;
    }

    /// <summary>What the store was doing, e.g. "open of '/data/store'".</summary>
    public string? Operation { get; }

    /// <summary>The error text of the C API, unchanged.</summary>
    public string? NativeMessage { get; }
}
