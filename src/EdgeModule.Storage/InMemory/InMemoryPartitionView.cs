namespace EdgeModule.Storage.InMemory;

/// <summary>A partition as of a snapshot's sequence number; the snapshot owns the read point.</summary>
internal sealed class InMemoryPartitionView(InMemoryPartition partition, InMemorySnapshot snapshot) : IPartitionReader
{
    public string Name => partition.Name;

    public byte[]? Get(byte[] key)
    {
        partition.Store.ValidateKey(key, checkDisposed: false);
        snapshot.ThrowIfDisposed();
        return VisibleValue(key)?.ToArray();
    }

    public bool Contains(byte[] key)
    {
        partition.Store.ValidateKey(key, checkDisposed: false);
        snapshot.ThrowIfDisposed();
        return VisibleValue(key) is not null;
    }

    public long Count()
    {
        snapshot.ThrowIfDisposed();
        long count = 0;
        for (var node = partition.List.First; node is not null; node = node.GetNext(0))
        {
            if (node.VersionAt(snapshot.Sequence)?.Value is not null)
            {
                count++;
            }
        }

        return count;
    }

    public IPartitionCursor OpenCursor()
    {
        snapshot.ThrowIfDisposed();
        return new InMemoryCursor(partition, snapshot.ReadPoint, ownsReadPoint: false);
    }

    private byte[]? VisibleValue(byte[] key)
    {
        var search = new NodeKey(key);
        var node = partition.List.FindGreaterOrEqual(search);
        return node is not null && node.KeyEquals(search) ? node.VersionAt(snapshot.Sequence)?.Value : null;
    }
}
