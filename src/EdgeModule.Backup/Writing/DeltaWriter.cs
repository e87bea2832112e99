using System.Buffers.Binary;
using EdgeModule.Backup.Format;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Writing;

/// <summary>
/// Writes one delta segment: SegmentStart(kind=delta), then per changed partition in ordinal order an optional
/// DropPartition frame and, when the partition exists afterwards, its Partition frame followed by its changed keys in
/// key order as Record (new value) or Remove frames, then the Commit. With run frames (format version 3) consecutive
/// keys of the same kind are coalesced into RecordRun and RemoveRun frames (DeltaWriter.Runs.cs).
/// </summary>
internal static partial class DeltaWriter
{
    /// <summary>What went into the file: the counts the commit frame records, and the segment's bytes.</summary>
    internal readonly record struct Totals(long Partitions, long Records, long RecordBytes, long SegmentBytes);

    /// <summary>
    /// Writes <paramref name="changes"/> as segment <paramref name="index"/>. <paramref name="runFrames"/> is false for a
    /// file of a version before <see cref="BackupFormat.FirstRunVersion"/>, which must get plain frames only.
    /// </summary>
    public static Totals Write(
        FrameWriter frames, InMemoryChangeSet changes, int index, long baseSequence, DateTimeOffset created, Func<TimeSpan> elapsed, bool runFrames)
    {
        var segmentStart = frames.Position;
        WriteSegmentStart(frames, BackupFormat.SegmentKindDelta, index, created, changes.Sequence, baseSequence);
        long partitions = 0, records = 0, recordBytes = 0;
        Span<byte> nameBuffer = stackalloc byte[2 + StorageOptions.MaxPartitionNameBytes];
        foreach (var partition in changes.Partitions)
        {
            var length = BackupFormat.StrictUtf8.GetBytes(partition.Name, nameBuffer[2..]);
            BinaryPrimitives.WriteUInt16LittleEndian(nameBuffer, (ushort)length);
            if (partition.Dropped)
            {
                frames.WriteFrame(FrameType.DropPartition, nameBuffer[..(2 + length)]);
                partitions++;
            }

            if (!partition.Exists)
            {
                continue;
            }

            frames.WriteFrame(FrameType.Partition, nameBuffer[..(2 + length)]);
            partitions++;
            var keys = partition.Keys;
            for (var i = 0; i < keys.Count;)
            {
                // Two keys or more make a run frame; a single key stays a plain frame, which is smaller.
                long payload = 0;
                var end = runFrames ? RunEnd(keys, i, out payload) : i + 1;
                if (end - i > 1)
                {
                    WriteRun(frames, keys, i, end, payload);
                }
                else if (keys[i].Value is { } value)
                {
                    frames.WriteRecord(keys[i].Key, value);
                }
                else
                {
                    frames.WriteFrame(FrameType.Remove, keys[i].Key);
                }

                // Each key counts as the frame of its own it would have had: the counts mean the same in every version.
                for (; i < end; i++)
                {
                    records++;
                    recordBytes += keys[i].Size;
                }
            }
        }

        WriteCommit(frames, index, partitions, records, recordBytes, frames.Position - segmentStart, elapsed());
        return new Totals(partitions, records, recordBytes, frames.Position - segmentStart);
    }

    internal static void WriteSegmentStart(FrameWriter frames, byte kind, int index, DateTimeOffset created, long sequence, long baseSequence)
    {
        Span<byte> payload = stackalloc byte[BackupFormat.SegmentStartPayloadSize];
        payload.Clear();
        payload[0] = kind; // then 3 reserved zero bytes
        BinaryPrimitives.WriteUInt32LittleEndian(payload[4..], (uint)index);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], created.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64LittleEndian(payload[16..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(payload[24..], baseSequence);
        frames.WriteFrame(FrameType.SegmentStart, payload);
    }

    internal static void WriteCommit(FrameWriter frames, int index, long partitions, long records, long recordBytes, long segmentBytes, TimeSpan elapsed)
    {
        Span<byte> commit = stackalloc byte[BackupFormat.CommitPayloadSize];
        BinaryPrimitives.WriteUInt32LittleEndian(commit, (uint)index);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[4..], (ulong)partitions);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[12..], (ulong)records);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[20..], (ulong)recordBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[28..], (ulong)segmentBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(commit[36..], (ulong)(elapsed.Ticks / 10));
        BinaryPrimitives.WriteUInt32LittleEndian(commit[44..], frames.CompleteDigest());
        BackupFormat.CommitMark.CopyTo(commit[48..]);
        frames.WriteFrame(FrameType.Commit, commit);
    }
}
