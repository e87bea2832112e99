using EdgeModule.Backup.Format;

namespace EdgeModule.Backup;

/// <summary>
/// Run frames (format version 3, delta segments only): a RecordRun or RemoveRun frame is checked whole when it is read,
/// then handed out one key at a time as the <see cref="BackupEntryKind.Record"/> or <see cref="BackupEntryKind.Remove"/>
/// entries n plain frames would have given, so nothing after the reader needs to know runs exist. Each key counts in
/// the segment's records and record bytes as its own frame would have.
/// </summary>
public sealed partial class BackupReader
{
    private byte[] _runKey = new byte[256];
    private int _runKeyLength;
    private long _runLeft;
    private long _runIndex;
    private int _runValueAt;
    private BackupEntryKind _runKind;

    private bool RunsAllowed => _segmentKind == BackupFormat.SegmentKindDelta && Header!.FormatVersion >= BackupFormat.FirstRunVersion;

    private BackupEntryKind StartRecordRun(ReadOnlySpan<byte> payload)
    {
        if (!VarInt.TryRead(payload, out var keyLength, out var size) || keyLength > payload.Length - size)
        {
            throw Corrupt("the record run frame's key length is malformed");
        }

        // Every value length is checked before the first key is handed out: a run is sound as a whole or not at all.
        var valuesAt = size + (int)keyLength;
        long count = 0, valueBytes = 0;
        for (var at = valuesAt; at < payload.Length; count++)
        {
            if (!VarInt.TryRead(payload[at..], out var valueLength, out var lengthSize) || valueLength > payload.Length - at - lengthSize)
            {
                throw Corrupt($"value {count} of the record run frame has a malformed length");
            }

            at += lengthSize + (int)valueLength;
            valueBytes += valueLength;
        }

        StartRun(payload.Slice(size, (int)keyLength), count, BackupEntryKind.Record);
        _runValueAt = valuesAt;
        _segmentRecordBytes += valueBytes;
        return NextRunEntry();
    }

    private BackupEntryKind StartRemoveRun(ReadOnlySpan<byte> payload)
    {
        if (!VarInt.TryRead(payload, out var count, out var size))
        {
            throw Corrupt("the remove run frame's count is malformed");
        }

        StartRun(payload[size..], count, BackupEntryKind.Remove); // the rest of the payload is the first key
        return NextRunEntry();
    }

    /// <summary>Checks the run's keys as a whole (count, bound, successors within their length, order) and counts them.</summary>
    private void StartRun(ReadOnlySpan<byte> first, long count, BackupEntryKind kind)
    {
        if (count < 1)
        {
            throw Corrupt("a run frame holds no key");
        }

        if (count * first.Length > BackupFormat.MaxRunKeyBytes)
        {
            throw Corrupt($"a run frame of {count} keys of {first.Length} bytes stands for more than {BackupFormat.MaxRunKeyBytes} bytes of keys");
        }

        CheckKeyOrder(first);

        // The next frame's key must sort after the run's last key: that is the previous key from here on.
        if (!RunKeys.TryAdd(_previousKey.AsSpan(0, _previousKeyLength), (ulong)(count - 1)))
        {
            throw Corrupt($"a run of {count} keys from {Convert.ToHexString(first)} runs past the largest key of {first.Length} bytes");
        }

        if (_runKey.Length < first.Length)
        {
            _runKey = new byte[Math.Max(first.Length, _runKey.Length * 2)];
        }

        first.CopyTo(_runKey);
        _runKeyLength = first.Length;
        _runLeft = count;
        _runIndex = 0;
        _runKind = kind;
        _segmentRecords += count;
        _segmentRecordBytes += count * first.Length;
    }

    /// <summary>The run's next key (its successor from the second on) and, for records, its value: views valid until the next <see cref="Read"/>.</summary>
    private BackupEntryKind NextRunEntry()
    {
        if (_runIndex > 0)
        {
            RunKeys.TryAdd(_runKey.AsSpan(0, _runKeyLength), 1); // cannot overflow: the last key was checked
        }

        _keyView = _runKey.AsMemory(0, _runKeyLength);
        if (_runKind == BackupEntryKind.Record)
        {
            var payload = _frames.LastPayload;
            VarInt.TryRead(payload.Span[_runValueAt..], out var valueLength, out var size);
            _valueView = payload.Slice(_runValueAt + size, (int)valueLength);
            _runValueAt += size + (int)valueLength;
        }
        else
        {
            _valueView = ReadOnlyMemory<byte>.Empty;
        }

        _runIndex++;
        _runLeft--;
        return _runKind;
    }
}
