using System.Diagnostics.CodeAnalysis;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>A broken backend for one test: its snapshot cursors walk keys backwards (SeekToFirst goes to the last key).</summary>
public sealed class ReversingStore(IKeyValueStore inner) : IKeyValueStore
{
    public string BackendName => inner.BackendName;

    public string Identity => inner.Identity;

    public IPartition GetOrCreatePartition(string name) => inner.GetOrCreatePartition(name);

    public IPartition GetPartition(string name) => inner.GetPartition(name);

    public bool TryGetPartition(string name, [NotNullWhen(true)] out IPartition? partition) => inner.TryGetPartition(name, out partition);

    public IReadOnlyList<string> ListPartitions() => inner.ListPartitions();

    public void DropPartition(string name) => inner.DropPartition(name);

    public IWriteBatch CreateWriteBatch() => inner.CreateWriteBatch();

    public void Write(IWriteBatch batch) => inner.Write(batch);

    public IStoreSnapshot CreateSnapshot() => new Snapshot(inner.CreateSnapshot());

    public void Dispose() => inner.Dispose();

    private sealed class Snapshot(IStoreSnapshot inner) : IStoreSnapshot
    {
        public long Sequence => inner.Sequence;

        public IReadOnlyList<string> ListPartitions() => inner.ListPartitions();

        public IPartitionReader GetPartition(string name) => new Reader(inner.GetPartition(name));

        public void Dispose() => inner.Dispose();
    }

    private sealed class Reader(IPartitionReader inner) : IPartitionReader
    {
        public string Name => inner.Name;

        public byte[]? Get(byte[] key) => inner.Get(key);

        public bool Contains(byte[] key) => inner.Contains(key);

        public long Count() => inner.Count();

        public IPartitionCursor OpenCursor() => new Cursor(inner.OpenCursor());
    }

    private sealed class Cursor(IPartitionCursor inner) : IPartitionCursor
    {
        public bool IsValid => inner.IsValid;

        public ReadOnlySpan<byte> Key => inner.Key;

        public ReadOnlySpan<byte> Value => inner.Value;

        public void SeekToFirst() => inner.SeekToLast();

        public void SeekToLast() => inner.SeekToFirst();

        public void Seek(ReadOnlySpan<byte> key) => inner.SeekForPrev(key);

        public void SeekForPrev(ReadOnlySpan<byte> key) => inner.Seek(key);

        public void Next() => inner.Prev();

        public void Prev() => inner.Next();

        public void Dispose() => inner.Dispose();
    }
}
