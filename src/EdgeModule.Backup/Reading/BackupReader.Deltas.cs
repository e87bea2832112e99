using EdgeModule.Backup.Format;
using EdgeModule.Storage;

namespace EdgeModule.Backup;

/// <summary>The frames only delta segments hold (from format version 2): DropPartition and Remove; the run frames of version 3 are in BackupReader.Runs.cs.</summary>
public sealed partial class BackupReader
{
    private void DropPartition(ReadOnlySpan<byte> payload)
    {
        var r = new SpanReader(payload);
        var name = r.String();
        if (!r.Ok || !r.AtEnd || string.IsNullOrEmpty(name))
        {
            throw Corrupt("the drop-partition frame's name is malformed");
        }

        try
        {
            StorageArguments.ValidatePartitionName(name);
        }
        catch (ArgumentException ex)
        {
            throw Corrupt($"the dropped partition's name is not allowed: {ex.Message}");
        }

        if (PartitionName is not null && string.CompareOrdinal(PartitionName, name) >= 0)
        {
            throw Corrupt($"dropped partition '{name}' does not sort after partition '{PartitionName}'");
        }

        PartitionName = name;
        _partitionWasDropped = true;
        _segmentPartitions++;
        _state = State.InSegment;
    }

    private void ReadRemove(ReadOnlySpan<byte> payload)
    {
        CheckKeyOrder(payload); // the whole payload is the key (the empty key included)
        _keyView = _frames.LastPayload;
        _valueView = ReadOnlyMemory<byte>.Empty;
        _segmentRecords++;
        _segmentRecordBytes += payload.Length;
    }
}
