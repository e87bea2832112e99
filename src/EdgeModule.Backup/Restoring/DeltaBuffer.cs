using System.Buffers;
using EdgeModule.Storage;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// One delta segment on its way from the file to the store. A delta is applied only once its commit frame has been
/// read and checked, so its entries are copied here until then: a torn last delta (the normal end of a file after a
/// crash) never touches the store. Applied on the writing thread after the base, in file order.
/// </summary>
internal sealed class DeltaBuffer : IDisposable
{
    private readonly List<Entry> _entries = [];
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(64 << 10);
    private int _used;

    private enum Kind : byte
    {
        DropPartition,
        Partition,
        Put,
        Remove,
    }

    public long Sequence { get; set; }

    public int Count => _entries.Count;

    public void DropPartition(string name) => _entries.Add(new Entry(Kind.DropPartition, name, 0, 0, 0));

    public void Partition(string name) => _entries.Add(new Entry(Kind.Partition, name, 0, 0, 0));

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _entries.Add(new Entry(Kind.Put, null, Add(key, value), key.Length, value.Length));

    public void Remove(ReadOnlySpan<byte> key) => _entries.Add(new Entry(Kind.Remove, null, Add(key, []), key.Length, 0));

    /// <summary>
    /// Drops, then per partition its puts and removes in write batches of about <paramref name="batchBytes"/>; a drop
    /// first writes the batch before it, so the order of the file is the order of the store.
    /// </summary>
    public void ApplyTo(IKeyValueStore store, int batchBytes, Action? beforeBatch)
    {
        using var batch = store.CreateWriteBatch();
        long weight = 0;
        IPartition? partition = null;
        foreach (var e in _entries)
        {
            switch (e.Kind)
            {
                case Kind.DropPartition:
                    Write(store, batch, beforeBatch);
                    weight = 0;
                    if (store.TryGetPartition(e.Name!, out _))
                    {
                        store.DropPartition(e.Name!);
                    }

                    break;
                case Kind.Partition:
                    partition = store.GetOrCreatePartition(e.Name!);
                    break;
                case Kind.Put:
                    batch.Put(partition!, _bytes.AsSpan(e.Offset, e.KeyLength), _bytes.AsSpan(e.Offset + e.KeyLength, e.ValueLength));
                    weight += e.KeyLength + e.ValueLength + 32;
                    break;
                default:
                    batch.Remove(partition!, _bytes.AsSpan(e.Offset, e.KeyLength).ToArray());
                    weight += e.KeyLength + 32;
                    break;
            }

            if (weight >= batchBytes)
            {
                Write(store, batch, beforeBatch);
                weight = 0;
            }
        }

        Write(store, batch, beforeBatch);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
        _entries.Clear();
    }

    private static void Write(IKeyValueStore store, IWriteBatch batch, Action? beforeBatch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        beforeBatch?.Invoke();
        store.Write(batch);
        batch.Clear();
    }

    private int Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var length = key.Length + value.Length;
        if (_bytes.Length - _used < length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)_used + length, _bytes.Length * 2L)));
            _bytes.AsSpan(0, _used).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = bigger;
        }

        var offset = _used;
        key.CopyTo(_bytes.AsSpan(offset));
        value.CopyTo(_bytes.AsSpan(offset + key.Length));
        _used += length;
        return offset;
    }

    private readonly record struct Entry(Kind Kind, string? Name, int Offset, int KeyLength, int ValueLength);
}
