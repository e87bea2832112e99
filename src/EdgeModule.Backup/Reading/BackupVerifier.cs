using EdgeModule.Backup.Format;
namespace EdgeModule.Backup;

/// <summary>Checks a whole backup file without applying anything; the offline verify/inspect tool is built on this.</summary>
public static class BackupVerifier
{
    private const int DefaultBufferSize = 1 << 20;

    /// <summary>
    /// Reads the file to the end and reports what it holds. Never throws for a bad file: damage, a newer version or an
    /// unreadable file are reported in <see cref="BackupVerification.Problem"/>.
    /// </summary>
    public static BackupVerification Verify(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(path, DefaultBufferSize, onEntry: null, cancellationToken);
    }

    /// <summary>
    /// Reads the file to the end, handing every entry to <paramref name="onEntry"/> as it is read (a restore applies
    /// it; the verdict on the whole file only comes at the end). Problems of the file (damage, a newer version, a
    /// read error) end the reading and are returned, never thrown; what <paramref name="onEntry"/> throws is not
    /// caught, since it is not the file's fault.
    /// </summary>
    internal static BackupVerification Read(
        string path, int bufferSize, Action<BackupReader, BackupEntryKind>? onEntry, CancellationToken cancellationToken)
    {
        BackupReader reader;
        try
        {
            reader = BackupReader.Open(path, bufferSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new BackupVerification { Path = path, Problem = BackupProblem.Unreadable, Reason = ex.Message };
        }

        using (reader)
        {
            var counts = new Counts();
            int maxKey = 0, maxValue = 0;
            for (var count = 1; ; count++)
            {
                if ((count & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                BackupEntryKind kind;
                try
                {
                    kind = reader.Read();
                }
                catch (BackupCorruptException ex) when (reader.Header?.FormatVersion >= BackupFormat.FirstDeltaVersion && reader.CommittedSegments > 0)
                {
                    // After the base's commit, damage is the torn tail of an append: the prefix up to the last commit is
                    // what the journal had made durable.
                    return Summary(path, reader, counts) with
                    {
                        Problem = BackupProblem.None,
                        BytesRead = ex.Offset,
                        LongestKey = maxKey,
                        LongestValue = maxValue,
                        FirstBadOffset = ex.Offset,
                        Reason = ex.Reason,
                        DroppedTailBytes = reader.FileLength - reader.CommittedOffset,
                        CommitsAfterDamage = LaterCommitScan.CountLaterCommits(path, reader.CommittedOffset, reader.CommittedSegments, cancellationToken),
                    };
                }
                catch (BackupCorruptException ex)
                {
                    return Summary(path, reader, counts) with
                    {
                        Problem = BackupProblem.Corrupt,
                        BytesRead = ex.Offset,
                        FirstBadOffset = ex.Offset,
                        Reason = ex.Reason,
                    };
                }
                catch (BackupVersionNotSupportedException ex)
                {
                    return Summary(path, reader, counts) with
                    {
                        Problem = BackupProblem.UnsupportedVersion,
                        Reason = ex.Message,
                    };
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return Summary(path, reader, counts) with
                    {
                        Problem = BackupProblem.Unreadable,
                        Reason = ex.Message,
                    };
                }

                switch (kind)
                {
                    case BackupEntryKind.End:
                        return Summary(path, reader, counts) with
                        {
                            Problem = BackupProblem.None,
                            BytesRead = reader.FileLength,
                            LongestKey = maxKey,
                            LongestValue = maxValue,
                        };
                    case BackupEntryKind.Partition or BackupEntryKind.DropPartition:
                        counts.PartitionsRead++;
                        break;
                    case BackupEntryKind.Remove:
                        counts.RecordsRead++;
                        counts.RecordBytesRead += reader.Key.Length;
                        break;
                    case BackupEntryKind.Record:
                        counts.RecordsRead++;
                        counts.RecordBytesRead += reader.Key.Length + reader.Value.Length;
                        maxKey = Math.Max(maxKey, reader.Key.Length);
                        maxValue = Math.Max(maxValue, reader.Value.Length);
                        break;
                    case BackupEntryKind.Commit:
                        if (reader.LastCommit!.Index == 0)
                        {
                            counts.BaseBytes = reader.CommittedOffset;
                        }

                        counts.Partitions += reader.LastCommit.Partitions;
                        counts.Records += reader.LastCommit.Records;
                        counts.RecordBytes += reader.LastCommit.RecordBytes;
                        break;
                }

                onEntry?.Invoke(reader, kind);
            }
        }
    }

    private static BackupVerification Summary(string path, BackupReader reader, Counts counts) => new()
    {
        Path = path,
        Header = reader.Header,
        LastCommit = reader.LastCommit,
        Segments = reader.CommittedSegments,
        Deltas = Math.Max(reader.CommittedSegments - 1, 0),
        BaseBytes = counts.BaseBytes,
        Partitions = counts.Partitions,
        Records = counts.Records,
        RecordBytes = counts.RecordBytes,
        PartitionsRead = counts.PartitionsRead,
        RecordsRead = counts.RecordsRead,
        RecordBytesRead = counts.RecordBytesRead,
        FramesRead = reader.FramesRead,
        BytesRead = reader.EntryOffset,
        FileBytes = reader.FileLength,
        SoundBytes = reader.CommittedOffset,
        CommittedDigestState = reader.CommittedDigestState,
    };

    /// <summary>Committed totals (what a restore uses) and everything read so far (what an operator wants to see).</summary>
    private sealed class Counts
    {
        public long Partitions;
        public long Records;
        public long RecordBytes;
        public long PartitionsRead;
        public long RecordsRead;
        public long RecordBytesRead;
        public long BaseBytes;
    }
}
