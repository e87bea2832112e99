using EdgeModule.Storage;

namespace EdgeModule.Messaging.Tests.Support;

/// <summary>
/// Simulates a backup and restore: every partition of a snapshot copied, with cursors and write batches, into another
/// store — what the backup service does, without its file format.
/// </summary>
internal static class StoreCopy
{
    public static void CopyAll(IKeyValueStore from, IKeyValueStore to)
    {
        using var snapshot = from.CreateSnapshot();
        using var batch = to.CreateWriteBatch();
        foreach (var name in snapshot.ListPartitions())
        {
            var target = to.GetOrCreatePartition(name);
            using var cursor = snapshot.GetPartition(name).OpenCursor();
            for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
            {
                batch.Put(target, cursor.Key.ToArray(), cursor.Value.ToArray());
                if (batch.Count == 1000)
                {
                    to.Write(batch);
                    batch.Clear();
                }
            }
        }

        to.Write(batch);
    }
}
