namespace EdgeModule.Backup;

/// <summary>A committed segment, as its commit frame describes it (and the reader checked).</summary>
/// <param name="Index">0 for the first (full) segment; later segments are deltas on top of it.</param>
/// <param name="Kind">1 = full image of the store, 2 = delta (the net changes since the previous segment).</param>
/// <param name="Sequence">The store's sequence number the segment brings the image up to.</param>
/// <param name="Partitions">Partition frames in the segment (in a delta, DropPartition frames too).</param>
/// <param name="Records">Record frames in the segment (in a delta, Remove frames too).</param>
/// <param name="RecordBytes">Sum of the key and value lengths of the records (and the keys of removes).</param>
/// <param name="WriteDuration">How long the writer took to produce the segment (for planning the next one).</param>
/// <param name="EndOffset">The file offset just past the commit frame: everything before it is sound.</param>
public sealed record BackupSegmentSummary(
    int Index,
    int Kind,
    long Sequence,
    long Partitions,
    long Records,
    long RecordBytes,
    TimeSpan WriteDuration,
    long EndOffset)
{
    /// <summary>For a delta: the sequence of the segment before it (0 for a full segment).</summary>
    public long BaseSequence { get; init; }

    /// <summary>When the segment was written (its SegmentStart frame's time).</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
