using System.Buffers.Binary;
using EdgeModule.Backup.Format;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup;

/// <summary>
/// Tells damage inside the deltas from a torn append. A journal appends segment n+1 only after segment n's fdatasync
/// returned, so an intact commit frame of a segment <b>after</b> the first one that fails to read means that segment
/// was durable and was damaged later (a bit flip, a bad sector); a tear can only leave bytes of the segment being
/// appended (its own commit may even be there, ahead of a page that never reached the disk). The scan looks for the
/// commit mark after the sound prefix and checks each candidate frame in full: length, type, CRC.
/// </summary>
internal static class LaterCommitScan
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Where the mark sits in a commit frame: after the frame header and 48 payload bytes.</summary>
    private const int MarkOffsetInFrame = BackupFormat.FrameHeaderSize + BackupFormat.CommitPayloadSize - 8;

    /// <summary>
    /// Intact commit frames after <paramref name="from"/> whose segment index is above
    /// <paramref name="firstUncommittedIndex"/> (the index of the segment that failed to read).
    /// </summary>
    public static int CountLaterCommits(string path, long from, int firstUncommittedIndex, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(file);
        var buffer = new byte[ChunkBytes + BackupFormat.CommitFrameSize];
        var found = 0;
        for (var start = from; start < length; start += ChunkBytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = Read(file, buffer, start, (int)Math.Min(buffer.Length, length - start));
            var span = buffer.AsSpan(0, read);
            var searched = 0;
            while (searched < Math.Min(read, ChunkBytes + MarkOffsetInFrame))
            {
                var hit = span[searched..].IndexOf(BackupFormat.CommitMark);
                if (hit < 0)
                {
                    break;
                }

                var mark = searched + hit;
                searched = mark + 1;
                var frameStart = mark - MarkOffsetInFrame;
                if (frameStart < 0 || start + frameStart < from || mark - MarkOffsetInFrame >= ChunkBytes
                    || frameStart + BackupFormat.CommitFrameSize > read)
                {
                    continue; // before the scanned range, or the next chunk's (it starts there again)
                }

                if (IsCommitOfLaterSegment(span.Slice(frameStart, BackupFormat.CommitFrameSize), firstUncommittedIndex))
                {
                    found++;
                }
            }
        }

        return found;
    }

    private static bool IsCommitOfLaterSegment(ReadOnlySpan<byte> frame, int firstUncommittedIndex)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(frame) != BackupFormat.CommitPayloadSize || frame[4] != (byte)FrameType.Commit)
        {
            return false;
        }

        var body = BackupFormat.FrameHeaderSize + BackupFormat.CommitPayloadSize;
        if (Crc32C.Compute(frame[..body]) != BinaryPrimitives.ReadUInt32LittleEndian(frame[body..]))
        {
            return false;
        }

        var index = BinaryPrimitives.ReadUInt32LittleEndian(frame[BackupFormat.FrameHeaderSize..]);
        return index > (uint)firstUncommittedIndex;
    }

    private static int Read(SafeFileHandle file, byte[] buffer, long offset, int count)
    {
        var total = 0;
        while (total < count)
        {
            var n = RandomAccess.Read(file, buffer.AsSpan(total, count - total), offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
