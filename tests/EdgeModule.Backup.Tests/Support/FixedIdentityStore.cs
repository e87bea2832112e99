using System.Diagnostics.CodeAnalysis;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>Wraps a store to give it a fixed identity, so a backup of it is byte-for-byte reproducible.</summary>
public sealed class FixedIdentityStore(IKeyValueStore inner, string identity) : IKeyValueStore
{
    public string BackendName => inner.BackendName;

    public string Identity => identity;

    public IPartition GetOrCreatePartition(string name) => inner.GetOrCreatePartition(name);

    public IPartition GetPartition(string name) => inner.GetPartition(name);

    public bool TryGetPartition(string name, [NotNullWhen(true)] out IPartition? partition) => inner.TryGetPartition(name, out partition);

    public IReadOnlyList<string> ListPartitions() => inner.ListPartitions();

    public void DropPartition(string name) => inner.DropPartition(name);

    public IWriteBatch CreateWriteBatch() => inner.CreateWriteBatch();

    public void Write(IWriteBatch batch) => inner.Write(batch);

    public IStoreSnapshot CreateSnapshot() => inner.CreateSnapshot();

    public void Dispose() => inner.Dispose();
}
