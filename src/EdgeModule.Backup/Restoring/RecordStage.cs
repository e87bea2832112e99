using System.Buffers;
using System.Runtime.CompilerServices;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// Records on their way from the file to the store: the reader copies each checked record's key and value into one
/// reused buffer, and the writing thread adds them to a write batch from there. Handing records over this way keeps
/// the batch's own copies (one new array per value, in memory) and everything they cost (allocation, fresh pages,
/// garbage collections) on the writing thread, so it runs beside the reading and checking instead of after it.
/// </summary>
internal sealed class RecordStage : IDisposable
{
    private readonly List<Entry> _entries = [];
    private byte[] _bytes;
    private int _used;

    public RecordStage(int capacity)
    {
        _bytes = ArrayPool<byte>.Shared.Rent(capacity);
    }

    public int Count => _entries.Count;

    /// <summary>Key and value bytes held, plus a rough per-record cost so that tiny records still batch sensibly.</summary>
    public long Weight { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(IPartition partition, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var length = key.Length + value.Length;
        if (_bytes.Length - _used < length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_used + length, _bytes.Length * 2));
            _bytes.AsSpan(0, _used).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = bigger;
        }

        key.CopyTo(_bytes.AsSpan(_used));
        value.CopyTo(_bytes.AsSpan(_used + key.Length));
        _entries.Add(new Entry(partition, _used, key.Length, value.Length));
        _used += length;
        Weight += length + 32;
    }

    /// <summary>Adds every record to <paramref name="batch"/>, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CopyTo(IWriteBatch batch)
    {
        var bytes = _bytes.AsSpan();
        foreach (var e in _entries)
        {
            batch.Put(e.Partition, bytes.Slice(e.Offset, e.KeyLength), bytes.Slice(e.Offset + e.KeyLength, e.ValueLength));
        }
    }

    public void Clear()
    {
        _entries.Clear();
        _used = 0;
        Weight = 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
        _entries.Clear();
    }

    private readonly record struct Entry(IPartition Partition, int Offset, int KeyLength, int ValueLength);
}
