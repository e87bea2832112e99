using System.Runtime.CompilerServices;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Format;
using EdgeModule.Storage;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup;

/// <summary>
/// Reads a backup file entry by entry and checks everything the format promises as it goes: each frame's CRC, the
/// order of frames (header, then segments of partitions and records, each closed by a commit), partition names and
/// keys strictly ascending, and each commit's counts and digest. The first failure throws
/// <see cref="BackupCorruptException"/> with the offset of the frame that failed; everything before
/// <see cref="CommittedOffset"/> is then known to be sound. A newer format version throws
/// <see cref="BackupVersionNotSupportedException"/>.
/// </summary>
/// <remarks>
/// A run frame (format version 3) is handed out one key at a time, as the entries of the plain frames it stands for.
/// <see cref="Key"/> and <see cref="Value"/> are views into the read buffer, valid until the next <see cref="Read"/>
/// (the same contract as a storage cursor). Records are handed out before their segment's commit frame is checked:
/// a caller that must not act on unverified data reads the whole file first (<see cref="BackupVerifier"/>), or acts in
/// a way it can undo until <see cref="BackupEntryKind.End"/> (a restore discards what it applied from a damaged file).
/// </remarks>
public sealed partial class BackupReader : IDisposable
{
    private const int DefaultBufferSize = 1 << 20;

    private readonly SafeFileHandle _handle;
    private readonly FrameReader _frames;
    private readonly string _path;
    private State _state = State.ExpectHeader;
    private uint _digestState = Crc32C.InitialState;
    private byte[] _previousKey = new byte[256];
    private int _previousKeyLength = -1;
    private ReadOnlyMemory<byte> _keyView;
    private int _segmentIndex = -1;
    private int _segmentKind;
    private long _segmentSequence;
    private long _segmentStartOffset;
    private long _segmentPartitions;
    private long _segmentRecords;
    private long _segmentRecordBytes;
    private long _segmentBaseSequence;
    private long _segmentCreated;
    private long _previousSegmentSequence;
    private bool _partitionWasDropped;
    private ReadOnlyMemory<byte> _valueView;

    private BackupReader(string path, SafeFileHandle handle, int bufferSize)
    {
        _path = path;
        _handle = handle;
        _frames = new FrameReader(handle, bufferSize);
    }

    private enum State
    {
        ExpectHeader,
        ExpectSegment,
        InSegment,
        InPartition,
        AfterCommit,
        Ended,
    }

    public BackupHeader? Header { get; private set; }

    /// <summary>The partition the current record belongs to.</summary>
    public string? PartitionName { get; private set; }

    public ReadOnlySpan<byte> Key => _keyView.Span;

    public ReadOnlySpan<byte> Value => _valueView.Span;

    /// <summary>The file offset of the entry last returned by <see cref="Read"/> (for a key of a run frame: the run frame's).</summary>
    public long EntryOffset { get; private set; }

    /// <summary>The end of the last commit frame: the sound prefix that a restore of a prefix could use.</summary>
    public long CommittedOffset { get; private set; }

    public BackupSegmentSummary? LastCommit { get; private set; }

    /// <summary>The kind of the segment being read (<see cref="BackupFormat.SegmentKindFull"/> or <see cref="BackupFormat.SegmentKindDelta"/>).</summary>
    public int SegmentKind => _segmentKind;

    /// <summary>The index of the segment being read (0 = the full image; deltas follow).</summary>
    public int SegmentIndex => _segmentIndex;

    /// <summary>The store sequence the segment being read brings the image up to.</summary>
    public long SegmentSequence => _segmentSequence;

    /// <summary>When the segment being read was written.</summary>
    public DateTimeOffset SegmentCreatedAt => DateTimeOffset.FromUnixTimeMilliseconds(_segmentCreated);

    /// <summary>The running digest state (CRC-32C state over every frame's CRC) just after the last commit frame: where an appender continues.</summary>
    internal uint CommittedDigestState { get; private set; } = Crc32C.InitialState;

    public int CommittedSegments { get; private set; }

    /// <summary>Frames read and found sound so far (their CRC and their place in the file), optional frames included.</summary>
    public long FramesRead { get; private set; }

    public long FileLength => _frames.FileLength;

    public static BackupReader Open(string path, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Never follows a symbolic link, never blocks on a FIFO: anything but a regular file throws NotRegularFileException.
        var handle = SafeFile.OpenRead(path);
        return new BackupReader(path, handle, bufferSize);
    }

    /// <summary>Moves to the next entry and says what it is; <see cref="BackupEntryKind.End"/> once the file ended cleanly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public BackupEntryKind Read()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        while (true)
        {
            if (_runLeft > 0)
            {
                return NextRunEntry(); // the next key of the run frame last read: no frame to read
            }

            if (_state == State.Ended)
            {
                return BackupEntryKind.End;
            }

            EntryOffset = _frames.Offset;
            var status = _frames.TryRead(out var type, out var payload, out var crc);
            switch (status)
            {
                case FrameReadStatus.EndOfFile when _state == State.AfterCommit:
                    _state = State.Ended;
                    return BackupEntryKind.End;
                case FrameReadStatus.EndOfFile:
                    throw Corrupt(_state == State.ExpectHeader ? "the file is empty" : "the file ends before the commit frame that closes the last segment (truncated)");
                case FrameReadStatus.Truncated:
                    throw Corrupt("the file ends inside a frame (truncated)");
                case FrameReadStatus.BadLength:
                    throw Corrupt("the frame's length field is larger than the format allows");
                case FrameReadStatus.BadChecksum:
                    throw Corrupt("the frame's CRC-32C does not match its bytes");
            }

            var kind = Dispatch(type, payload);
            FramesRead++;
            _digestState = Crc32C.AppendUInt32(_digestState, crc);
            if (kind == BackupEntryKind.Commit)
            {
                CommittedDigestState = _digestState;
            }

            if (kind is { } k)
            {
                return k;
            }
        }
    }

    public void Dispose()
    {
        if (!_handle.IsClosed)
        {
            _frames.Dispose();
            _handle.Dispose();
        }
    }

    private BackupEntryKind? Dispatch(FrameType type, ReadOnlySpan<byte> payload)
    {
        if (_state == State.ExpectHeader && type != FrameType.FileHeader)
        {
            throw Corrupt("the file does not start with a header frame (not a backup, or damaged)");
        }

        switch (type)
        {
            case FrameType.FileHeader when _state == State.ExpectHeader:
                Header = ParseHeader(payload);
                _state = State.ExpectSegment;
                return BackupEntryKind.Header;
            case FrameType.SegmentStart when _state is State.ExpectSegment or State.AfterCommit:
                StartSegment(payload);
                return BackupEntryKind.SegmentStart;
            case FrameType.Partition when _state is State.InSegment or State.InPartition:
                StartPartition(payload);
                return BackupEntryKind.Partition;
            case FrameType.Record when _state == State.InPartition:
                ReadRecord(payload);
                return BackupEntryKind.Record;
            case FrameType.Remove when _state == State.InPartition && _segmentKind == BackupFormat.SegmentKindDelta:
                ReadRemove(payload);
                return BackupEntryKind.Remove;
            case FrameType.RecordRun when _state == State.InPartition && RunsAllowed:
                return StartRecordRun(payload);
            case FrameType.RemoveRun when _state == State.InPartition && RunsAllowed:
                return StartRemoveRun(payload);
            case FrameType.RecordRun or FrameType.RemoveRun when Header is not null && Header.FormatVersion < BackupFormat.FirstRunVersion:
                throw Corrupt($"a run frame (type 0x{(byte)type:X2}) is not allowed in a format version {Header.FormatVersion} file");
            case FrameType.DropPartition when _state is State.InSegment or State.InPartition && _segmentKind == BackupFormat.SegmentKindDelta:
                DropPartition(payload);
                return BackupEntryKind.DropPartition;
            case FrameType.Commit when _state is State.InSegment or State.InPartition:
                Commit(payload);
                return BackupEntryKind.Commit;
            case >= (FrameType)0x80 when _state is State.InSegment or State.InPartition:
                return null; // optional frame this version does not know: skipped, but still part of the digest
            default:
                throw Corrupt($"a frame of type 0x{(byte)type:X2} is not allowed here");
        }
    }

    private BackupHeader ParseHeader(ReadOnlySpan<byte> payload)
    {
        var r = new SpanReader(payload);
        var magic = r.Bytes(8);
        if (!r.Ok || !magic.SequenceEqual(BackupFormat.Magic))
        {
            throw Corrupt("the header frame does not start with the magic \"EDGEBKUP\" (not a backup)");
        }

        var version = r.U16();
        if (r.Ok && version > BackupFormat.CurrentVersion)
        {
            throw new BackupVersionNotSupportedException(_path, version, BackupFormat.CurrentVersion);
        }

        _ = r.U16(); // flags: none defined in versions 1 to 3
        var created = r.I64();
        var generation = r.I64();
        var sequence = r.I64();
        var backend = r.String();
        var identity = r.String();
        if (!r.Ok || !r.AtEnd || version == 0 || created < -62135596800000 || created > 253402300799999)
        {
            throw Corrupt("the header frame's fields are malformed");
        }

        return new BackupHeader(version, DateTimeOffset.FromUnixTimeMilliseconds(created), generation, sequence, backend!, identity!);
    }

    private void StartSegment(ReadOnlySpan<byte> payload)
    {
        var r = new SpanReader(payload);
        var kind = r.U8();
        var reserved = r.Bytes(3);
        var index = r.U32();
        var created = r.I64();
        var sequence = r.I64();
        var baseSequence = r.I64();
        if (!r.Ok || !r.AtEnd || reserved.ContainsAnyExcept((byte)0) || created < -62135596800000 || created > 253402300799999)
        {
            throw Corrupt("the segment start frame's fields are malformed");
        }

        if (index != (uint)(_segmentIndex + 1))
        {
            throw Corrupt($"segment {index} follows segment {_segmentIndex}");
        }

        var version = Header!.FormatVersion;
        if (kind == BackupFormat.SegmentKindFull)
        {
            if (baseSequence != 0 || (version >= BackupFormat.FirstDeltaVersion && index != 0))
            {
                throw Corrupt("a full segment must be the first segment of the file and have base sequence 0");
            }
        }
        else if (kind == BackupFormat.SegmentKindDelta && version >= BackupFormat.FirstDeltaVersion)
        {
            if (index == 0)
            {
                throw Corrupt("the file starts with a delta segment instead of a full one");
            }

            if (baseSequence != _previousSegmentSequence || sequence < baseSequence)
            {
                throw Corrupt(
                    $"delta segment {index} (base sequence {baseSequence}, sequence {sequence}) does not continue the previous segment " +
                    $"(sequence {_previousSegmentSequence})");
            }
        }
        else
        {
            throw Corrupt($"segment kind {kind} is not supported by format version {version}");
        }

        _segmentIndex = (int)index;
        _segmentKind = kind;
        _segmentSequence = sequence;
        _segmentBaseSequence = baseSequence;
        _segmentCreated = created;
        _segmentStartOffset = EntryOffset;
        _segmentPartitions = 0;
        _segmentRecords = 0;
        _segmentRecordBytes = 0;
        PartitionName = null;
        _partitionWasDropped = false;
        _state = State.InSegment;
    }

    private void StartPartition(ReadOnlySpan<byte> payload)
    {
        var r = new SpanReader(payload);
        var name = r.String();
        if (!r.Ok || !r.AtEnd || string.IsNullOrEmpty(name))
        {
            throw Corrupt("the partition frame's name is malformed");
        }

        try
        {
            // A name no store accepts would otherwise pass verification and fail half-way through a restore.
            StorageArguments.ValidatePartitionName(name);
        }
        catch (ArgumentException ex)
        {
            throw Corrupt($"the partition name is not allowed: {ex.Message}");
        }

        // In a delta, a partition dropped and created again has its DropPartition frame right before its Partition frame.
        var order = PartitionName is null ? -1 : string.CompareOrdinal(PartitionName, name);
        if (order > 0 || (order == 0 && !_partitionWasDropped))
        {
            throw Corrupt($"partition '{name}' does not sort after partition '{PartitionName}'");
        }

        PartitionName = name;
        _partitionWasDropped = false;
        _previousKeyLength = -1;
        _segmentPartitions++;
        _state = State.InPartition;
    }

    private void Commit(ReadOnlySpan<byte> payload)
    {
        var r = new SpanReader(payload);
        var index = r.U32();
        var partitions = r.U64();
        var records = r.U64();
        var recordBytes = r.U64();
        var segmentBytes = r.U64();
        var writeMicros = r.U64();
        var digest = r.U32();
        var mark = r.Bytes(8);
        if (!r.Ok || !r.AtEnd || !mark.SequenceEqual(BackupFormat.CommitMark))
        {
            throw Corrupt("the commit frame is malformed or lacks the commit mark");
        }

        if (index != (uint)_segmentIndex || partitions != (ulong)_segmentPartitions || records != (ulong)_segmentRecords
            || recordBytes != (ulong)_segmentRecordBytes || segmentBytes != (ulong)(EntryOffset - _segmentStartOffset))
        {
            throw Corrupt(
                $"the commit frame's counts (segment {index}, {partitions} partitions, {records} records, {recordBytes} record bytes, " +
                $"{segmentBytes} segment bytes) do not match what was read (segment {_segmentIndex}, {_segmentPartitions}, " +
                $"{_segmentRecords}, {_segmentRecordBytes}, {EntryOffset - _segmentStartOffset}): frames are missing or repeated");
        }

        if (digest != Crc32C.Finish(_digestState))
        {
            throw Corrupt("the digest of the frames before the commit does not match the commit frame (frames were altered, lost or moved)");
        }

        CommittedOffset = _frames.Offset;
        CommittedSegments++;
        _previousSegmentSequence = _segmentSequence;
        LastCommit = new BackupSegmentSummary(
            _segmentIndex, _segmentKind, _segmentSequence, _segmentPartitions, _segmentRecords, _segmentRecordBytes,
            TimeSpan.FromTicks((long)Math.Min(writeMicros, (ulong)(long.MaxValue / 10)) * 10), CommittedOffset)
        {
            BaseSequence = _segmentBaseSequence,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(_segmentCreated),
        };
        PartitionName = null;
        _state = State.AfterCommit;
    }

    private BackupCorruptException Corrupt(string reason) => new(_path, EntryOffset, reason);
}
