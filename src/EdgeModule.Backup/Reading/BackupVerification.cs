namespace EdgeModule.Backup;

/// <summary>What <see cref="BackupVerifier.Verify"/> found: the file's identity and counts, and whether (and where) it failed.</summary>
public sealed record BackupVerification
{
    public required string Path { get; init; }

    /// <summary>
    /// True when every frame, the order of frames and every commit checked out up to <see cref="SoundBytes"/>, and the
    /// file ends after a commit there, or (format version 2) only a torn tail follows the full segment's commit
    /// (<see cref="DroppedTailBytes"/>): the normal result of a crash during a journal append, not damage.
    /// </summary>
    public bool Sound => Problem == BackupProblem.None;

    public BackupProblem Problem { get; init; }

    /// <summary>The header, when it could be read.</summary>
    public BackupHeader? Header { get; init; }

    /// <summary>The last committed segment, when there is one.</summary>
    public BackupSegmentSummary? LastCommit { get; init; }

    /// <summary>Committed segments (1 for a full backup; more once delta segments are appended).</summary>
    public int Segments { get; init; }

    /// <summary>Partition frames in all committed segments (records and bytes likewise).</summary>
    public long Partitions { get; init; }

    public long Records { get; init; }

    /// <summary>Sum of key and value lengths.</summary>
    public long RecordBytes { get; init; }

    public long FileBytes { get; init; }

    /// <summary>
    /// The longest key and value in a sound file: a host compares them with the target store's
    /// <c>StorageOptions</c> limits before restoring, since a record over a limit would stop a restore half-way.
    /// </summary>
    public int LongestKey { get; init; }

    public int LongestValue { get; init; }

    /// <summary>The file's prefix that is known sound: the end of the last commit frame before the first failure.</summary>
    public long SoundBytes { get; init; }

    /// <summary>The end of the full segment's commit frame (the base the deltas apply to); 0 when it was not reached.</summary>
    public long BaseBytes { get; init; }

    /// <summary>Committed delta segments after the base (format version 2).</summary>
    public int Deltas { get; init; }

    /// <summary>
    /// Bytes after <see cref="SoundBytes"/> of a sound file: a delta without its commit or a bad frame after the last
    /// commit. A restore uses the sound prefix and reports these; 0 for a file that ends after a commit.
    /// </summary>
    public long DroppedTailBytes { get; init; }

    /// <summary>
    /// Intact commits of later segments found inside the dropped tail: the tail is then <b>damage</b> (a segment made
    /// durable was damaged afterwards, and the segments after it are lost with it), not a torn append, which can only
    /// leave the segment being appended. 0 for a torn tail or a file without one.
    /// </summary>
    public int CommitsAfterDamage { get; init; }

    /// <summary>The dropped tail is damage to durable deltas rather than a torn append (<see cref="CommitsAfterDamage"/>).</summary>
    public bool DamagedBeforeTail => CommitsAfterDamage > 0;

    /// <summary>The digest state just after the last sound commit frame: where a journal appending to the file continues.</summary>
    internal uint CommittedDigestState { get; init; }

    /// <summary>The store sequence a restore of the sound prefix brings the store up to (the last commit's), when there is one.</summary>
    public long? LastSequence => LastCommit?.Sequence;

    /// <summary>When the last sound segment was written, when there is one.</summary>
    public DateTimeOffset? LastTime => LastCommit?.CreatedAt;

    /// <summary>The offset of the first frame that failed, when one did (also of a torn tail).</summary>
    public long? FirstBadOffset { get; init; }

    /// <summary>
    /// Frames read and found sound before the first bad one (every frame of a sound file), whether or not a commit
    /// frame vouched for them: what an operator wants to know about a damaged file. <see cref="Partitions"/>,
    /// <see cref="Records"/> and <see cref="RecordBytes"/> count only committed segments, which is what a restore uses.
    /// </summary>
    public long FramesRead { get; init; }

    /// <summary>Partition frames read before the first bad frame (committed or not).</summary>
    public long PartitionsRead { get; init; }

    /// <summary>Record frames read before the first bad frame (committed or not).</summary>
    public long RecordsRead { get; init; }

    /// <summary>Key and value bytes of <see cref="RecordsRead"/>.</summary>
    public long RecordBytesRead { get; init; }

    /// <summary>Bytes of the file read and found sound: up to the first bad frame, or the whole file when sound.</summary>
    public long BytesRead { get; init; }

    /// <summary>What failed, in words, when something did.</summary>
    public string? Reason { get; init; }
}
