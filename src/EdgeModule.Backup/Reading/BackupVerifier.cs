namespace EdgeModule.Backup;

/// <summary>Checks a whole backup file without applying anything; the offline verify/inspect tool is built on this.</summary>
public static class BackupVerifier
{
    /// <summary>
    /// Reads the file to the end and reports what it holds. Never throws for a bad file: damage, a newer version or an
    /// unreadable file are reported in <see cref="BackupVerification.Problem"/>.
    /// </summary>
    public static BackupVerification Verify(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        BackupReader reader;
        try
        {
            reader = BackupReader.Open(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new BackupVerification { Path = path, Problem = BackupProblem.Unreadable, Reason = ex.Message };
        }

        using (reader)
        {
            long partitions = 0, records = 0, recordBytes = 0;
            int maxKey = 0, maxValue = 0;
            try
            {
                var count = 0;
                BackupEntryKind kind;
                while ((kind = reader.Read()) != BackupEntryKind.End)
                {
                    if ((++count & 0xFFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    if (kind == BackupEntryKind.Record)
                    {
                        maxKey = Math.Max(maxKey, reader.Key.Length);
                        maxValue = Math.Max(maxValue, reader.Value.Length);
                    }
                    else if (kind == BackupEntryKind.Commit)
                    {
                        partitions += reader.LastCommit!.Partitions;
                        records += reader.LastCommit.Records;
                        recordBytes += reader.LastCommit.RecordBytes;
                    }
                }

                return Summary(path, reader, partitions, records, recordBytes) with
                {
                    Problem = BackupProblem.None,
                    LongestKey = maxKey,
                    LongestValue = maxValue,
                };
            }
            catch (BackupCorruptException ex)
            {
                return Summary(path, reader, partitions, records, recordBytes) with
                {
                    Problem = BackupProblem.Corrupt,
                    FirstBadOffset = ex.Offset,
                    Reason = ex.Reason,
                };
            }
            catch (BackupVersionNotSupportedException ex)
            {
                return Summary(path, reader, partitions, records, recordBytes) with
                {
                    Problem = BackupProblem.UnsupportedVersion,
                    Reason = ex.Message,
                };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Summary(path, reader, partitions, records, recordBytes) with
                {
                    Problem = BackupProblem.Unreadable,
                    Reason = ex.Message,
                };
            }
        }
    }

    private static BackupVerification Summary(string path, BackupReader reader, long partitions, long records, long recordBytes) => new()
    {
        Path = path,
        Header = reader.Header,
        LastCommit = reader.LastCommit,
        Segments = reader.CommittedSegments,
        Partitions = partitions,
        Records = records,
        RecordBytes = recordBytes,
        FileBytes = reader.FileLength,
        SoundBytes = reader.CommittedOffset,
    };
}
