using System.Buffers.Binary;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Internal;

namespace EdgeModule.Backup;

/// <summary>
/// Planning against a deadline: the write speed is known from a backup in this process, else from the newest
/// generation's commit frame (its size over its recorded write time), else from an explicit probe. The host asks
/// "would N bytes fit in T?" at startup and periodically, and warns when not.
/// </summary>
public sealed partial class BackupManager
{
    // Planning state has its own lock, so an estimate never waits for a backup in progress.
    private readonly Lock _planGate = new();
    private double? _bytesPerSecond;
    private SpeedSource _speedSource = SpeedSource.Unknown;
    private long? _lastBackupBytes;

    /// <summary>The size of the newest generation (the best guess of the next backup's size), or null when there is none.</summary>
    public long? LastBackupBytes
    {
        get
        {
            lock (_planGate)
            {
                LoadSpeedFromNewestGeneration();
                return _lastBackupBytes;
            }
        }
    }

    /// <summary>Would a full backup of <paramref name="bytes"/> fit in <paramref name="available"/> at the known speed?</summary>
    public BackupEstimate Estimate(long bytes, TimeSpan available)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_planGate)
        {
            LoadSpeedFromNewestGeneration();
            if (_bytesPerSecond is not { } speed || speed <= 0)
            {
                return new BackupEstimate(bytes, available, null, SpeedSource.Unknown, null, false);
            }

            var seconds = bytes / speed * _options.EstimateSafetyFactor;
            var duration = seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
            return new BackupEstimate(bytes, available, speed, _speedSource, duration, duration <= available);
        }
    }

    /// <summary>The same estimate for a backup the size of the newest generation (0 bytes when there is none).</summary>
    public BackupEstimate EstimateFromLastBackup(TimeSpan available) => Estimate(LastBackupBytes ?? 0, available);

    /// <summary>
    /// Measures the folder's write speed by writing <paramref name="probeBytes"/> to a temp file and flushing it to
    /// disk, then deleting it. The result is used for estimates until a real backup measures better.
    /// </summary>
    /// <remarks>
    /// The probe's name is random and created exclusively. It waits for another operation of this process on the
    /// folder (a backup) to finish, bounded by <paramref name="cancellationToken"/>.
    /// </remarks>
    public double MeasureWriteSpeed(long probeBytes = 32L << 20, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probeBytes, 1);
        EnsureFolderWritable();
        using var folderLock = FolderLock.Acquire(Folder, _time, cancellationToken: cancellationToken);

        // The value of every record frame the probe writes (a backup's frames are about this size or smaller).
        var buffer = new byte[Math.Min(probeBytes, 64 << 10)];
        Random.Shared.NextBytes(buffer);
        var started = _time.GetTimestamp();
        string? path = null;
        try
        {
            // Written the way a backup is (the same writer: buffers, checksums, direct I/O or write-behind), so the
            // speed measured is the speed a backup will see.
            using var file = SafeFile.CreateUnique(Folder, GenerationFiles.ProbePrefix + "-", GenerationFiles.TempSuffix, out var created);
            path = created;
            using (var writer = new FrameWriter(file, 0, _options.WriteBufferBytes, static () => { }, null, _options.DirectIo))
            {
                // Record frames (a 16-byte key and the random value), as a backup writes them.
                Span<byte> key = stackalloc byte[16];
                for (long offset = 0; offset < probeBytes; offset += buffer.Length)
                {
                    writer.WriteRecord(key, buffer.AsSpan(0, (int)Math.Min(buffer.Length, probeBytes - offset)));
                }

                writer.Complete();
            }

            RandomAccess.FlushToDisk(file);
        }
        finally
        {
            if (path is not null)
            {
                TryDelete(path);
            }
        }

        var speed = probeBytes / Math.Max(_time.GetElapsedTime(started).TotalSeconds, 1e-6);
        lock (_planGate)
        {
            if (_speedSource != SpeedSource.Measured)
            {
                RecordSpeed(speed, SpeedSource.Probe, _lastBackupBytes);
            }
        }

        return speed;
    }

    private void RecordSpeed(double bytesPerSecond, SpeedSource source, long? backupBytes)
    {
        lock (_planGate)
        {
            _bytesPerSecond = bytesPerSecond;
            _speedSource = source;
            _lastBackupBytes = backupBytes;
        }
    }

    /// <summary>Reads the fixed-size commit frame at the end of the newest generation, once, when nothing better is known.</summary>
    private void LoadSpeedFromNewestGeneration()
    {
        if (_speedSource != SpeedSource.Unknown && _lastBackupBytes is not null)
        {
            return;
        }

        var newest = ListGenerations().FirstOrDefault();
        if (newest is null || newest.Bytes < BackupFormat.CommitFrameSize)
        {
            return;
        }

        try
        {
            var frame = new byte[BackupFormat.CommitFrameSize];
            // Not following a link, not blocking on a FIFO swapped in since the listing: a regular file or nothing.
            using (var handle = SafeFile.OpenRead(newest.Path))
            {
                if (RandomAccess.Read(handle, frame, newest.Bytes - frame.Length) != frame.Length)
                {
                    return;
                }
            }

            var body = frame.Length - BackupFormat.FrameTrailerSize;
            var payload = frame.AsSpan(BackupFormat.FrameHeaderSize, BackupFormat.CommitPayloadSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(frame) != BackupFormat.CommitPayloadSize
                || frame[4] != (byte)FrameType.Commit
                || Crc32C.Compute(frame.AsSpan(0, body)) != BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(body))
                || !payload[48..].SequenceEqual(BackupFormat.CommitMark))
            {
                return;
            }

            _lastBackupBytes = newest.Bytes;
            var micros = BinaryPrimitives.ReadUInt64LittleEndian(payload[36..]);

            // A journal's delta (segment index above 0) ends the file: its time is that of the delta, not of the file.
            if (_speedSource == SpeedSource.Unknown && micros > 0 && BinaryPrimitives.ReadUInt32LittleEndian(payload) == 0)
            {
                _bytesPerSecond = newest.Bytes / (micros / 1e6);
                _speedSource = SpeedSource.LastBackupFile;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable newest generation just means no figure from it; restore reports the file itself.
        }
    }
}
