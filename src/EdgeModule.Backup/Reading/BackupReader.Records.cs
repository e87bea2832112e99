using EdgeModule.Backup.Format;

namespace EdgeModule.Backup;

/// <summary>Record frames, and the key order within a partition that records, removals and runs all keep.</summary>
public sealed partial class BackupReader
{
    private void CheckKeyOrder(ReadOnlySpan<byte> key)
    {
        if (_previousKeyLength >= 0 && key.SequenceCompareTo(_previousKey.AsSpan(0, _previousKeyLength)) <= 0)
        {
            throw Corrupt("the record's key does not sort after the previous key of its partition");
        }

        if (_previousKey.Length < key.Length)
        {
            _previousKey = new byte[Math.Max(key.Length, _previousKey.Length * 2)];
        }

        key.CopyTo(_previousKey);
        _previousKeyLength = key.Length;
    }

    private void ReadRecord(ReadOnlySpan<byte> payload)
    {
        if (!VarInt.TryRead(payload, out var keyLength, out var size) || keyLength > payload.Length - size)
        {
            throw Corrupt("the record frame's key length is malformed");
        }

        CheckKeyOrder(payload.Slice(size, (int)keyLength));

        // Views into the frame reader's buffer: valid until the next Read, like a storage cursor's.
        var frame = _frames.LastPayload;
        _keyView = frame.Slice(size, (int)keyLength);
        _valueView = frame[(size + (int)keyLength)..];
        _segmentRecords++;
        _segmentRecordBytes += payload.Length - size;
    }
}
