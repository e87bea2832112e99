namespace EdgeModule.Storage;

/// <summary>
/// A position in one partition's ordered keys, shaped like a RocksDB iterator. A new cursor is not positioned
/// (<see cref="IsValid"/> is false) until one of the seek methods is called.
/// </summary>
/// <remarks>
/// <see cref="Key"/> and <see cref="Value"/> are views into the cursor's current entry: they stay valid only until the
/// cursor moves or is disposed. Copy them (<c>ToArray()</c>) to keep them.
/// </remarks>
public interface IPartitionCursor : IDisposable
{
    bool IsValid { get; }

    /// <exception cref="InvalidOperationException">the cursor is not on an entry.</exception>
    ReadOnlySpan<byte> Key { get; }

    /// <exception cref="InvalidOperationException">the cursor is not on an entry.</exception>
    ReadOnlySpan<byte> Value { get; }

    void SeekToFirst();

    void SeekToLast();

    /// <summary>Moves to the first key greater than or equal to <paramref name="key"/>, whether or not it exists.</summary>
    void Seek(ReadOnlySpan<byte> key);

    /// <summary>Moves to the last key less than or equal to <paramref name="key"/>.</summary>
    void SeekForPrev(ReadOnlySpan<byte> key);

    /// <exception cref="InvalidOperationException">the cursor is not on an entry.</exception>
    void Next();

    /// <exception cref="InvalidOperationException">the cursor is not on an entry.</exception>
    void Prev();
}
