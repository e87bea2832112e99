namespace EdgeModule.Backup.Format;

/// <summary>
/// The keys of a run frame: each the successor of the one before, where the successor of a key is its big-endian
/// unsigned increment at the same length (00 00 FF → 00 01 00). A key of all 0xFF bytes, and the empty key, have none.
/// The message store's keys are big-endian counters, so the keys a delta changes in a partition are mostly such runs.
/// </summary>
internal static class RunKeys
{
    /// <summary>Whether <paramref name="next"/> is the successor of <paramref name="key"/>.</summary>
    public static bool IsSuccessor(ReadOnlySpan<byte> key, ReadOnlySpan<byte> next)
    {
        if (key.Length != next.Length)
        {
            return false;
        }

        // The trailing 0xFF bytes roll over to 0x00, the byte before them goes up by one, the rest stays.
        var i = key.Length - 1;
        for (; i >= 0 && key[i] == 0xFF; i--)
        {
            if (next[i] != 0)
            {
                return false;
            }
        }

        return i >= 0 && next[i] == key[i] + 1 && key[..i].SequenceEqual(next[..i]);
    }

    /// <summary>Adds <paramref name="count"/> to <paramref name="key"/> in place; false (the key then undefined) when that overflows its length.</summary>
    public static bool TryAdd(Span<byte> key, ulong count)
    {
        for (var i = key.Length - 1; i >= 0 && count != 0; i--)
        {
            var sum = key[i] + (count & 0xFF);
            key[i] = (byte)sum;
            count = (count >> 8) + (sum >> 8);
        }

        return count == 0;
    }
}
