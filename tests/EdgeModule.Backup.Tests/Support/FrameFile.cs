using System.Buffers.Binary;
using EdgeModule.Backup.Format;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>
/// A backup file as a list of frames, to take apart, change and put together again as a file that is sound frame by
/// frame: every CRC, every commit's counts, segment length and digest computed anew (the counts by this class's own
/// reading of the rules, independent of the reader's). A changed frame then fails the reader only by what the change
/// breaks, at that frame, not at the next CRC or commit.
/// </summary>
internal sealed class FrameFile
{
    public List<(FrameType Type, byte[] Payload)> Frames { get; } = [];

    public static FrameFile Read(string path) => Parse(File.ReadAllBytes(path));

    public static FrameFile Parse(byte[] bytes)
    {
        var file = new FrameFile();
        for (var at = 0; at < bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            file.Frames.Add(((FrameType)bytes[at + 4], bytes[(at + BackupFormat.FrameHeaderSize)..(at + BackupFormat.FrameHeaderSize + length)]));
            at += length + BackupFormat.FrameOverhead;
        }

        return file;
    }

    /// <summary>The types of the frames of segment <paramref name="index"/>, from its SegmentStart to its Commit.</summary>
    public List<FrameType> SegmentTypes(int index)
    {
        var start = Frames.FindAll(f => f.Type == FrameType.SegmentStart)[index];
        var from = Frames.IndexOf(start);
        var to = Frames.FindIndex(from, f => f.Type == FrameType.Commit);
        return Frames.GetRange(from, to - from + 1).ConvertAll(f => f.Type);
    }

    /// <summary>The index of the <paramref name="n"/>-th frame of <paramref name="type"/> (0 = the first).</summary>
    public int IndexOf(FrameType type, int n = 0) =>
        Enumerable.Range(0, Frames.Count).Where(i => Frames[i].Type == type).ElementAt(n);

    /// <summary>The file offset of frame <paramref name="index"/>.</summary>
    public long OffsetOf(int index) => Frames.Take(index).Sum(f => (long)f.Payload.Length + BackupFormat.FrameOverhead);

    public void SetVersion(ushort version) => BinaryPrimitives.WriteUInt16LittleEndian(Frames[0].Payload.AsSpan(8), version);

    public byte[] ToBytes()
    {
        var output = new MemoryStream();
        var digest = Crc32C.InitialState;
        long segmentStart = 0, partitions = 0, records = 0, recordBytes = 0;
        foreach (var (type, original) in Frames)
        {
            var payload = (byte[])original.Clone();
            switch (type)
            {
                case FrameType.SegmentStart:
                    segmentStart = output.Length;
                    partitions = records = recordBytes = 0;
                    break;
                case FrameType.Partition or FrameType.DropPartition:
                    partitions++;
                    break;
                case FrameType.Commit:
                    BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(4), (ulong)partitions);
                    BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(12), (ulong)records);
                    BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(20), (ulong)recordBytes);
                    BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(28), (ulong)(output.Length - segmentStart));
                    BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(44), Crc32C.Finish(digest));
                    break;
                default:
                    var (keys, bytes) = Count(type, payload);
                    records += keys;
                    recordBytes += bytes;
                    break;
            }

            var frame = new byte[payload.Length + BackupFormat.FrameOverhead];
            BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
            frame[4] = (byte)type;
            payload.CopyTo(frame, BackupFormat.FrameHeaderSize);
            var crc = Crc32C.Compute(frame.AsSpan(0, frame.Length - BackupFormat.FrameTrailerSize));
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(frame.Length - BackupFormat.FrameTrailerSize), crc);
            output.Write(frame);
            digest = Crc32C.AppendUInt32(digest, crc);
        }

        return output.ToArray();
    }

    public void Write(string path) => File.WriteAllBytes(path, ToBytes());

    /// <summary>A RecordRun payload: the first key, then the values.</summary>
    public static byte[] RecordRun(byte[] first, params byte[][] values)
    {
        var payload = new List<byte>(VarIntBytes((uint)first.Length));
        payload.AddRange(first);
        foreach (var value in values)
        {
            payload.AddRange(VarIntBytes((uint)value.Length));
            payload.AddRange(value);
        }

        return [.. payload];
    }

    /// <summary>A RemoveRun payload: the count, then the first key.</summary>
    public static byte[] RemoveRun(uint count, byte[] first) => [.. VarIntBytes(count), .. first];

    /// <summary>A Record payload.</summary>
    public static byte[] Record(byte[] key, byte[] value) => [.. VarIntBytes((uint)key.Length), .. key, .. value];

    private static byte[] VarIntBytes(uint value)
    {
        var bytes = new byte[5];
        return bytes[..VarInt.Write(bytes, value)];
    }

    /// <summary>Keys and key+value bytes a frame adds to its segment's counts (a run: each of its keys).</summary>
    private static (long Keys, long Bytes) Count(FrameType type, byte[] payload)
    {
        switch (type)
        {
            case FrameType.Record:
                VarInt.TryRead(payload, out _, out var size);
                return (1, payload.Length - size);
            case FrameType.Remove:
                return (1, payload.Length);
            case FrameType.RemoveRun:
                VarInt.TryRead(payload, out var count, out var countSize);
                return (count, count * (long)(payload.Length - countSize));
            case FrameType.RecordRun:
                VarInt.TryRead(payload, out var keyLength, out var at);
                at += (int)keyLength;
                long keys = 0, bytes = 0;
                while (at < payload.Length && VarInt.TryRead(payload.AsSpan(at), out var valueLength, out var lengthSize))
                {
                    keys++;
                    bytes += keyLength + valueLength;
                    at += lengthSize + (int)valueLength;
                }

                return (keys, bytes);
            default:
                return (0, 0);
        }
    }
}
