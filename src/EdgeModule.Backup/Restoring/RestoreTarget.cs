using EdgeModule.Storage;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// The store a restore writes into, and how to take it back to where it was: empty, with the (empty) partitions it
/// had before. A restore verifies as it applies, so a file that turns out damaged half-way has already put records
/// into the store; <see cref="Discard"/> removes them before the caller sees the store again.
/// </summary>
internal sealed class RestoreTarget
{
    private const int RemoveBatchCount = 4096;

    private readonly HashSet<string> _partitionsBefore;

    private RestoreTarget(IKeyValueStore store)
    {
        Store = store;
        _partitionsBefore = new HashSet<string>(store.ListPartitions(), StringComparer.Ordinal);
    }

    public IKeyValueStore Store { get; }

    /// <summary>Remembers the partitions of <paramref name="store"/>, which the caller checked hold no entry.</summary>
    public static RestoreTarget Of(IKeyValueStore store) => new(store);

    /// <summary>
    /// Drops every partition the restore created and empties those that were there before (dropping them would break
    /// handles the caller holds). Throws <see cref="BackupException"/> naming <paramref name="path"/> when the store
    /// refuses: then it still holds part of the file, and the caller must not use it.
    /// </summary>
    public void Discard(string path, Exception? cause)
    {
        try
        {
            foreach (var name in Store.ListPartitions())
            {
                if (_partitionsBefore.Contains(name))
                {
                    Empty(Store.GetPartition(name));
                }
                else
                {
                    Store.DropPartition(name);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var why = cause is null ? "was found damaged" : $"failed ({cause.Message})";
            throw new BackupException(
                $"Restoring '{path}' {why}, and the records it had written could not be removed from the store ({ex.Message}): " +
                "the store holds part of a backup and must not be used.",
                cause is null ? ex : new AggregateException(cause, ex));
        }
    }

    private void Empty(IPartition partition)
    {
        using var batch = Store.CreateWriteBatch();
        using (var cursor = partition.OpenCursor())
        {
            for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
            {
                batch.Remove(partition, cursor.Key.ToArray());
                if (batch.Count == RemoveBatchCount)
                {
                    Store.Write(batch);
                    batch.Clear();
                }
            }
        }

        Store.Write(batch);
    }
}
