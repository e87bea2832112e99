namespace EdgeModule.Storage;

/// <summary>
/// Convenience reads built on <see cref="IPartitionCursor"/>, so every backend shares one implementation.
/// These copy keys and values into new arrays; hot paths that only look at bytes should use a cursor directly.
/// </summary>
public static class PartitionReaderExtensions
{
    /// <summary>The entry with the smallest key, or null when the partition is empty.</summary>
    public static KeyValuePair<byte[], byte[]>? First(this IPartitionReader partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        using var cursor = partition.OpenCursor();
        cursor.SeekToFirst();
        return cursor.IsValid ? cursor.Current() : null;
    }

    /// <summary>The entry with the largest key, or null when the partition is empty.</summary>
    public static KeyValuePair<byte[], byte[]>? Last(this IPartitionReader partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        using var cursor = partition.OpenCursor();
        cursor.SeekToLast();
        return cursor.IsValid ? cursor.Current() : null;
    }

    /// <summary>
    /// Entries in ascending key order, starting at the first key &gt;= <paramref name="from"/> (all entries when null),
    /// as of the moment enumeration starts. Stop early by breaking out of the loop: the cursor is disposed either way.
    /// </summary>
    public static IEnumerable<KeyValuePair<byte[], byte[]>> Iterate(this IPartitionReader partition, byte[]? from = null)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return IterateCore(partition, from, reverse: false);
    }

    /// <summary>
    /// Entries in descending key order, starting at the last key &lt;= <paramref name="from"/> (the last key when null).
    /// </summary>
    public static IEnumerable<KeyValuePair<byte[], byte[]>> IterateReverse(this IPartitionReader partition, byte[]? from = null)
    {
        ArgumentNullException.ThrowIfNull(partition);
        return IterateCore(partition, from, reverse: true);
    }

    /// <summary>A copy of the entry the cursor is on.</summary>
    public static KeyValuePair<byte[], byte[]> Current(this IPartitionCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return new(cursor.Key.ToArray(), cursor.Value.ToArray());
    }

    private static IEnumerable<KeyValuePair<byte[], byte[]>> IterateCore(IPartitionReader partition, byte[]? from, bool reverse)
    {
        using var cursor = partition.OpenCursor();
        switch (reverse, from)
        {
            case (false, null): cursor.SeekToFirst(); break;
            case (false, _): cursor.Seek(from); break;
            case (true, null): cursor.SeekToLast(); break;
            default: cursor.SeekForPrev(from); break;
        }

        while (cursor.IsValid)
        {
            yield return cursor.Current();
            if (reverse)
            {
                cursor.Prev();
            }
            else
            {
                cursor.Next();
            }
        }
    }
}
