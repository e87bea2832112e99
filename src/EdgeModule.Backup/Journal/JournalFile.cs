using EdgeModule.Backup.Files;
using System.Globalization;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Writing;
using EdgeModule.Storage.InMemory;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Journal;

/// <summary>
/// A generation file the journal appends delta segments to, held open for the journal's life. Each append is one
/// sequential write at the end of the sound prefix and one fdatasync; only then is it counted (end, digest, sequence).
/// </summary>
/// <remarks>
/// Deltas are written in the file's own format version: a version-2 generation the journal continues after an upgrade
/// gets plain frames only (no run frames, which version 2 does not have), so it stays a valid version-2 file and is not
/// rewritten just for the upgrade; the next full generation is version 3.
/// A file that ends in a torn tail (a crash during an append) is first made clean: the tail is copied into the
/// quarantine folder and made durable there, and only then is the file cut back to its sound prefix, so no byte that
/// was ever the only copy of something is deleted. A failed append cuts the file back to where it was (best effort;
/// bytes left after the sound prefix are a torn tail for a reader, never damage).
/// </remarks>
internal sealed class JournalFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly bool _ownsHandle;
    private readonly Action<BackupFaultPoint>? _faultHook;

    private JournalFile(SafeFileHandle handle, bool ownsHandle, string path, GenerationTail tail, Action<BackupFaultPoint>? faultHook)
        : this(handle, ownsHandle, path, tail.Generation, tail.End, tail.DigestState, tail.LastIndex, tail.LastSequence, faultHook)
    {
        RecordBytes = tail.RecordBytes;
    }

    private JournalFile(
        SafeFileHandle handle, bool ownsHandle, string path, long generation, long end, uint digestState, int lastIndex, long lastSequence, Action<BackupFaultPoint>? faultHook)
    {
        _handle = handle;
        _ownsHandle = ownsHandle;
        Path = path;
        Generation = generation;
        EndOffset = end;
        DigestState = digestState;
        LastIndex = lastIndex;
        LastSequence = lastSequence;
        _faultHook = faultHook;
    }

    public string Path { get; }

    public long Generation { get; }

    /// <summary>The end of the last durable commit: the next delta starts here.</summary>
    public long EndOffset { get; private set; }

    public uint DigestState { get; private set; }

    public int LastIndex { get; private set; }

    public long LastSequence { get; private set; }

    /// <summary>Key and value bytes of every record and removed key in the file: live and dead.</summary>
    public long RecordBytes { get; private set; }

    /// <summary>The file's format version, which its deltas are written in: a generation this build wrote has the current one.</summary>
    public int FormatVersion { get; private init; } = BackupFormat.CurrentVersion;

    /// <summary>Delta segments appended through this instance.</summary>
    public int DeltasAppended { get; private set; }

    /// <summary>
    /// Opens the file of <paramref name="point"/> for appending. A tail beyond its sound prefix is copied to
    /// <paramref name="quarantineFolder"/> (returned in <paramref name="tailCopy"/>) before the file is cut back.
    /// </summary>
    public static JournalFile Open(
        BackupAppendPoint point, string quarantineFolder, TimeProvider time, Action<BackupFaultPoint>? faultHook, out string? tailCopy)
    {
        tailCopy = null;
        var handle = SafeFile.OpenReadWrite(point.Path);
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length < point.SoundBytes)
            {
                throw new BackupException(
                    $"The backup '{point.Path}' is shorter ({length} bytes) than its sound prefix when it was read ({point.SoundBytes} bytes): " +
                    "it was changed by something else.");
            }

            if (length > point.SoundBytes)
            {
                tailCopy = CopyTail(handle, point, length, quarantineFolder, time, faultHook);
                faultHook?.Invoke(BackupFaultPoint.TruncateTornTail);
                RandomAccess.SetLength(handle, point.SoundBytes);
                FileSync.DataSync(handle);
            }

            return new JournalFile(
                handle, true, point.Path, point.Generation, point.SoundBytes, point.DigestState, point.LastSegmentIndex, point.LastSequence, faultHook)
            {
                RecordBytes = point.RecordBytes,
                FormatVersion = point.FormatVersion,
            };
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Appends to a writer's temp file at <paramref name="tail"/> (its handle, not owned).</summary>
    public static JournalFile Over(GenerationTail tail, string path, Action<BackupFaultPoint>? faultHook) =>
        new(tail.Handle!, false, path, tail, faultHook);

    /// <summary>Opens a generation just written (its tail is known, nothing after it) for appending.</summary>
    public static JournalFile OpenAt(string path, GenerationTail tail, Action<BackupFaultPoint>? faultHook)
    {
        var handle = SafeFile.OpenReadWrite(path);
        if (RandomAccess.GetLength(handle) != tail.End)
        {
            handle.Dispose();
            throw new BackupException($"The backup '{path}' does not end where it was just written ({tail.End} bytes).");
        }

        return new JournalFile(handle, true, path, tail, faultHook);
    }

    /// <summary>The tail to continue from: where the next delta goes.</summary>
    public GenerationTail Tail => new(Generation, EndOffset, DigestState, LastIndex, LastSequence, RecordBytes);

    /// <summary>
    /// Appends <paramref name="changes"/> as the next delta segment and makes it durable. Returns the segment's bytes.
    /// On failure the file is cut back to its previous end (best effort) and the error is thrown; the journal then
    /// knows these changes are not on disk.
    /// </summary>
    public long Append(InMemoryChangeSet changes, DateTimeOffset created, int bufferBytes, TimeProvider time)
    {
        var started = time.GetTimestamp();
        var start = EndOffset;
        var size = EstimateBytes(changes);
        var bufferSize = (int)Math.Min(bufferBytes, Math.Max(64 << 10, DirectIo.RoundUp(Math.Min(size, int.MaxValue / 2))));
        try
        {
            DeltaWriter.Totals totals;
            uint digestState;
            using (var frames = new FrameWriter(_handle, start, bufferSize, static () => { }, _faultHook, directIo: false, DigestState))
            {
                totals = DeltaWriter.Write(
                    frames, changes, LastIndex + 1, LastSequence, created, () => time.GetElapsedTime(started), FormatVersion >= BackupFormat.FirstRunVersion);
                frames.Complete();
                digestState = frames.CompleteDigestState();
            }

            _faultHook?.Invoke(BackupFaultPoint.FlushFile);
            FileSync.DataSync(_handle);
            EndOffset = start + totals.SegmentBytes;
            DigestState = digestState;
            LastIndex++;
            LastSequence = changes.Sequence;
            RecordBytes += totals.RecordBytes;
            DeltasAppended++;
            return totals.SegmentBytes;
        }
        catch (Exception ex) when (ex is not FaultInjectedException)
        {
            TryCutBack(start);
            throw;
        }
    }

    public void Dispose()
    {
        if (_ownsHandle)
        {
            _handle.Dispose();
        }
    }

    /// <summary>Frame bytes of a change set, about: what the delta's write buffer is sized for.</summary>
    internal static long EstimateBytes(InMemoryChangeSet changes) =>
        changes.Bytes + (changes.KeyCount * (BackupFormat.FrameOverhead + 5)) + (changes.Partitions.Count * 2L * (BackupFormat.FrameOverhead + 2 + 255))
        + BackupFormat.SegmentStartPayloadSize + BackupFormat.CommitFrameSize + BackupFormat.FrameOverhead;

    private static string CopyTail(
        SafeFileHandle handle, BackupAppendPoint point, long length, string quarantineFolder, TimeProvider time, Action<BackupFaultPoint>? faultHook)
    {
        SafeFile.CreatePrivateFolder(quarantineFolder);
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{System.IO.Path.GetFileName(point.Path)}.tail-{point.SoundBytes}-{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}");
        var target = System.IO.Path.Combine(quarantineFolder, name);
        faultHook?.Invoke(BackupFaultPoint.CopyTornTail);
        using (var copy = SafeFile.CreateNew(target))
        {
            var buffer = new byte[1 << 20];
            for (var offset = point.SoundBytes; offset < length;)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
                if (n == 0)
                {
                    break;
                }

                RandomAccess.Write(copy, buffer.AsSpan(0, n), offset - point.SoundBytes);
                offset += n;
            }

            RandomAccess.FlushToDisk(copy);
        }

        DirectorySync.Flush(quarantineFolder);
        return target;
    }

    private void TryCutBack(long end)
    {
        try
        {
            RandomAccess.SetLength(_handle, end);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Whatever stays after the sound prefix is a torn tail to a reader, and the next append writes over it.
        }
    }
}
