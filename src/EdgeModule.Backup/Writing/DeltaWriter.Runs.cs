using EdgeModule.Backup.Format;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Writing;

/// <summary>
/// Run frames: the message store's keys are big-endian counters, so a delta's changed keys in a partition are mostly
/// runs of consecutive keys that are all written or all removed. One RecordRun frame carries the first key and then
/// only the values; one RemoveRun frame carries a count and the first key. That saves the 9 bytes of framing and the
/// key of every key but the first (about 16 bytes a record and 17 a removal of an 8-byte key).
/// </summary>
internal static partial class DeltaWriter
{
    /// <summary>
    /// The largest RecordRun payload written: the whole frame fits in the reader's headroom
    /// (<see cref="FileReadAhead.Headroom"/>), so a run never takes the reader's path for large frames (checked as it
    /// streams past, then read again). A longer run is cut into frames of this size; a value too large for a run of two
    /// goes into a plain Record frame.
    /// </summary>
    internal const int MaxRunPayload = FileReadAhead.Headroom - BackupFormat.FrameOverhead;

    /// <summary>
    /// The end (exclusive) of the longest run from <paramref name="start"/>: keys of one length, each the successor of
    /// the one before, all records or all removals, within <see cref="MaxRunPayload"/> and
    /// <see cref="BackupFormat.MaxRunKeyBytes"/>. <paramref name="payload"/> is the run frame's payload length.
    /// </summary>
    private static int RunEnd(IReadOnlyList<KeyChange> keys, int start, out long payload)
    {
        var first = keys[start];
        var isRecord = first.Value is not null;
        var keyLength = first.Key.Length;
        var size = isRecord ? VarInt.Size((uint)keyLength) + keyLength + ValueBytes(first.Value!) : 0;
        var end = start + 1;
        for (; end < keys.Count; end++)
        {
            var next = keys[end];
            if ((next.Value is not null) != isRecord
                || !RunKeys.IsSuccessor(keys[end - 1].Key, next.Key)
                || (long)(end - start + 1) * keyLength > BackupFormat.MaxRunKeyBytes)
            {
                break;
            }

            if (isRecord)
            {
                var grown = size + ValueBytes(next.Value!);
                if (grown > MaxRunPayload)
                {
                    break;
                }

                size = grown;
            }
        }

        payload = isRecord ? size : VarInt.Size((uint)(end - start)) + keyLength;
        return end;
    }

    /// <summary>Writes keys [<paramref name="start"/>, <paramref name="end"/>) as one RecordRun or RemoveRun frame.</summary>
    private static void WriteRun(FrameWriter frames, IReadOnlyList<KeyChange> keys, int start, int end, long payload)
    {
        Span<byte> length = stackalloc byte[5];
        var first = keys[start];
        if (first.Value is null)
        {
            frames.BeginFrame(FrameType.RemoveRun, payload);
            frames.AppendPayload(length[..VarInt.Write(length, (uint)(end - start))]);
            frames.AppendPayload(first.Key);
            frames.EndFrame();
            return;
        }

        frames.BeginFrame(FrameType.RecordRun, payload);
        frames.AppendPayload(length[..VarInt.Write(length, (uint)first.Key.Length)]);
        frames.AppendPayload(first.Key);
        for (var i = start; i < end; i++)
        {
            var value = keys[i].Value!;
            frames.AppendPayload(length[..VarInt.Write(length, (uint)value.Length)]);
            frames.AppendPayload(value);
        }

        frames.EndFrame();
    }

    private static long ValueBytes(byte[] value) => VarInt.Size((uint)value.Length) + (long)value.Length;
}
