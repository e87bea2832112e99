using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using EdgeModule.Backup.Format;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Writing;

/// <summary>
/// Streams one store snapshot into a file as a header and one full segment: partitions in ordinal order, each
/// followed by its records in key order, read through zero-copy cursors and never collected in memory.
/// </summary>
internal static class SnapshotWriter
{
    /// <summary>What went into the file.</summary>
    internal readonly record struct Totals(long Partitions, long Records, long RecordBytes, long FileBytes);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Totals Write(
        FrameWriter frames,
        IStoreSnapshot snapshot,
        string backendName,
        string identity,
        long generation,
        DateTimeOffset created,
        Func<TimeSpan> elapsed)
    {
        WriteHeader(frames, backendName, identity, generation, snapshot.Sequence, created);
        var segmentStart = frames.Position;
        WriteSegmentStart(frames, snapshot.Sequence, created);

        var names = snapshot.ListPartitions().ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        long records = 0, recordBytes = 0;
        var previousKey = new byte[StorageOptions.DefaultMaxKeyBytes];
        Span<byte> nameBuffer = stackalloc byte[2 + StorageOptions.MaxPartitionNameBytes];
        foreach (var name in names)
        {
            var length = BackupFormat.StrictUtf8.GetBytes(name, nameBuffer[2..]);
            BinaryPrimitives.WriteUInt16LittleEndian(nameBuffer, (ushort)length);
            frames.WriteFrame(FrameType.Partition, nameBuffer[..(2 + length)]);

            using var cursor = snapshot.GetPartition(name).OpenScanCursor();
            var previousLength = -1;
            for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
            {
                var key = cursor.Key;
                var value = cursor.Value;

                // The reader rejects keys out of order, so a backend that returned them so would produce a backup that
                // is quarantined at restore. Fail now, while the previous generations are still the newest.
                if (previousLength >= 0 && key.SequenceCompareTo(previousKey.AsSpan(0, previousLength)) <= 0)
                {
                    throw new BackupException(
                        $"The {backendName} store returned the keys of partition '{name}' out of order; the backup was abandoned.");
                }

                if (key.Length > previousKey.Length)
                {
                    previousKey = new byte[key.Length];
                }

                key.CopyTo(previousKey);
                previousLength = key.Length;
                frames.WriteRecord(key, value);
                records++;
                recordBytes += key.Length + value.Length;
            }
        }

        Span<byte> commit = stackalloc byte[BackupFormat.CommitPayloadSize];
        BinaryPrimitives.WriteUInt32LittleEndian(commit, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[4..], (ulong)names.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[12..], (ulong)records);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[20..], (ulong)recordBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[28..], (ulong)(frames.Position - segmentStart));
        BinaryPrimitives.WriteUInt64LittleEndian(commit[36..], (ulong)(elapsed().Ticks / 10));
        BinaryPrimitives.WriteUInt32LittleEndian(commit[44..], frames.CompleteDigest());
        BackupFormat.CommitMark.CopyTo(commit[48..]);
        frames.WriteFrame(FrameType.Commit, commit);
        frames.Complete();
        return new Totals(names.Length, records, recordBytes, frames.Position);
    }

    private static void WriteHeader(FrameWriter frames, string backendName, string identity, long generation, long sequence, DateTimeOffset created)
    {
        var backend = BackupFormat.StrictUtf8.GetBytes(backendName);
        var id = BackupFormat.StrictUtf8.GetBytes(identity);
        if (backend.Length > ushort.MaxValue || id.Length > ushort.MaxValue)
        {
            throw new BackupException("The store's backend name or identity is longer than 65535 bytes.");
        }

        var payload = new byte[8 + 2 + 2 + 8 + 8 + 8 + 2 + backend.Length + 2 + id.Length];
        var p = payload.AsSpan();
        BackupFormat.Magic.CopyTo(p);
        BinaryPrimitives.WriteUInt16LittleEndian(p[8..], BackupFormat.CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(p[10..], 0); // flags
        BinaryPrimitives.WriteInt64LittleEndian(p[12..], created.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(p[20..], generation);
        BinaryPrimitives.WriteInt64LittleEndian(p[28..], sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(p[36..], (ushort)backend.Length);
        backend.CopyTo(p[38..]);
        BinaryPrimitives.WriteUInt16LittleEndian(p[(38 + backend.Length)..], (ushort)id.Length);
        id.CopyTo(p[(40 + backend.Length)..]);
        frames.WriteFrame(FrameType.FileHeader, payload);
    }

    private static void WriteSegmentStart(FrameWriter frames, long sequence, DateTimeOffset created)
    {
        Span<byte> payload = stackalloc byte[32];
        payload.Clear();
        payload[0] = BackupFormat.SegmentKindFull; // then 3 reserved zero bytes
        BinaryPrimitives.WriteUInt32LittleEndian(payload[4..], 0); // segment index
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], created.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(payload[16..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(payload[24..], 0); // base sequence: none for a full segment
        frames.WriteFrame(FrameType.SegmentStart, payload);
    }
}
