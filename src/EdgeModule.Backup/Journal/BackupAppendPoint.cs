using EdgeModule.Backup.Format;

namespace EdgeModule.Backup.Journal;

/// <summary>
/// Where a journal continues a generation file: the end of its sound prefix, the last segment and sequence there, and
/// the running digest the next commit frame must continue. Taken from the verification a restore (or
/// <see cref="BackupVerifier.Verify"/>) made of the file, so starting a journal costs no second read.
/// </summary>
public sealed class BackupAppendPoint
{
    private BackupAppendPoint(BackupVerification verification)
    {
        Path = verification.Path;
        Generation = verification.Header!.Generation;
        FormatVersion = verification.Header.FormatVersion;
        SoundBytes = verification.SoundBytes;
        FileBytes = verification.FileBytes;
        LastSegmentIndex = verification.LastCommit!.Index;
        LastSequence = verification.LastCommit.Sequence;
        LastTime = verification.LastCommit.CreatedAt;
        DigestState = verification.CommittedDigestState;
        RecordBytes = verification.RecordBytes;
        Deltas = verification.Deltas;
    }

    public string Path { get; }

    public long Generation { get; }

    public int FormatVersion { get; }

    /// <summary>The end of the last sound commit frame: the journal appends here.</summary>
    public long SoundBytes { get; }

    /// <summary>The file's length when it was read; beyond <see cref="SoundBytes"/> is a torn tail, set aside before appending.</summary>
    public long FileBytes { get; }

    public int LastSegmentIndex { get; }

    /// <summary>The store sequence of the last sound segment: the store continues numbering from here after a restore.</summary>
    public long LastSequence { get; }

    public DateTimeOffset LastTime { get; }

    /// <summary>Key and value bytes of the records (and removed keys) of the sound prefix, base and deltas.</summary>
    public long RecordBytes { get; }

    /// <summary>Delta segments in the sound prefix.</summary>
    public int Deltas { get; }

    /// <summary>True when a journal can append deltas to this file (format version 2 or later).</summary>
    public bool CanAppend => FormatVersion >= BackupFormat.FirstDeltaVersion;

    internal uint DigestState { get; }

    /// <summary>The append point of a sound file's verification; null when the file is not sound (nothing to continue).</summary>
    public static BackupAppendPoint? From(BackupVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return verification is { Sound: true, Header: not null, LastCommit: not null } ? new BackupAppendPoint(verification) : null;
    }
}
