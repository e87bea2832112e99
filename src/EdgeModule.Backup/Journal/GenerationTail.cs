using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Journal;

/// <summary>
/// The end of a file's last commit, where the next delta goes: the digest state it continues, the last segment's index
/// and sequence. <see cref="Handle"/> is set while the file is a writer's temp file (not owned by the receiver).
/// </summary>
/// <param name="Generation">The generation number.</param>
/// <param name="End">The end of the last commit frame.</param>
/// <param name="DigestState">The running digest state after that frame.</param>
/// <param name="LastIndex">The last segment's index.</param>
/// <param name="LastSequence">The last segment's store sequence.</param>
/// <param name="RecordBytes">Key and value bytes of every record (and removed key) in the file so far: live and dead.</param>
internal sealed record GenerationTail(long Generation, long End, uint DigestState, int LastIndex, long LastSequence, long RecordBytes)
{
    public SafeFileHandle? Handle { get; init; }
}
