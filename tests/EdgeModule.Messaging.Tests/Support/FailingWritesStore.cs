using System.Diagnostics.CodeAnalysis;
using EdgeModule.Storage;

namespace EdgeModule.Messaging.Tests.Support;

/// <summary>
/// A real store that counts its batch writes and fails them while <see cref="FailWith"/> is set, as a backend's I/O error does (the
/// in-memory backend has no I/O to fail, and RocksDB's never clears without a reopen). Everything else is the real
/// store's.
/// </summary>
internal sealed class FailingWritesStore(IKeyValueStore inner) : IKeyValueStore
{
    /// <summary>The message of the <see cref="StorageException"/> each write throws; null lets writes through.</summary>
    public string? FailWith { get; set; }

    public string BackendName => inner.BackendName;

    public string Identity => inner.Identity;

    public IPartition GetOrCreatePartition(string name) => inner.GetOrCreatePartition(name);

    public IPartition GetPartition(string name) => inner.GetPartition(name);

    public bool TryGetPartition(string name, [NotNullWhen(true)] out IPartition? partition) => inner.TryGetPartition(name, out partition);

    public IReadOnlyList<string> ListPartitions() => inner.ListPartitions();

    public void DropPartition(string name) => inner.DropPartition(name);

    public IWriteBatch CreateWriteBatch() => inner.CreateWriteBatch();

    /// <summary>Batch writes that went through.</summary>
    public int Writes { get; private set; }

    public void Write(IWriteBatch batch)
    {
        if (FailWith is { } reason)
        {
            throw new StorageException(reason);
        }

        inner.Write(batch);
        Writes++;
    }

    public IStoreSnapshot CreateSnapshot() => inner.CreateSnapshot();

    public void Dispose() => inner.Dispose();
}
