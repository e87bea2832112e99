namespace EdgeModule.Messaging.Layout;

/// <summary>Whether the store's enqueue writes go through; a change is logged once (3002/3018, then 3003/3019).</summary>
internal enum WriteState
{
    Accepting,

    /// <summary>Refused by a size limit: <see cref="MessageStoreOptions.MaxStoreBytes"/> or the backend's own.</summary>
    Full,

    /// <summary>The backend failed the write (RocksDB: an I/O error such as a full disk).</summary>
    Failing,
}
