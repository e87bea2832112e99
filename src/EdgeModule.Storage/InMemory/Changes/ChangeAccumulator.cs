using System.Runtime.InteropServices;

namespace EdgeModule.Storage.InMemory;

/// <summary>
/// The net change per (partition, key) since a base point, fed by the store's writer under its write lock.
/// </summary>
/// <remarks>
/// The rule that keeps short-lived data off the disk: each key remembers whether it existed at the base (known at its
/// first change, since nothing changed it before). A removal of a key that existed is a tombstone; a removal of a key
/// that did not exist makes its entry disappear, as if it had never been written. Partitions likewise: a drop of a
/// partition that existed at the base is kept (and clears its keys); one created and dropped since disappears.
/// </remarks>
internal sealed class ChangeAccumulator(TimeProvider time)
{
    private Dictionary<string, PartitionState> _partitions = new(StringComparer.Ordinal);

    /// <summary>Sum of key and value bytes of the net changes.</summary>
    public long Bytes { get; private set; }

    public DateTimeOffset? OldestChange { get; private set; }

    public bool IsEmpty => _partitions.Count == 0;

    public void OnWrite(string partition, ReadOnlySpan<byte> key, byte[]? value, bool existedBefore)
    {
        var state = Partition(partition, existedBefore: true);
        var lookup = state.Keys.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(key, out var actualKey, out var entry))
        {
            Bytes -= actualKey.Length + (entry.Value?.Length ?? 0L);
            if (value is null && !entry.ExistedAtBase)
            {
                state.Keys.Remove(actualKey);
                Settle(partition, state);
                return;
            }

            state.Keys[actualKey] = entry with { Value = value };
            Bytes += actualKey.Length + (value?.Length ?? 0L);
            return;
        }

        if (value is null && !existedBefore)
        {
            Settle(partition, state);
            return;
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(lookup, key, out _);
        slot = new Entry(value, existedBefore);
        Bytes += key.Length + (value?.Length ?? 0L);
    }

    public void OnCreatePartition(string partition)
    {
        var state = Partition(partition, existedBefore: false);
        state.Exists = true;
    }

    public void OnDropPartition(string partition)
    {
        var state = Partition(partition, existedBefore: true);
        foreach (var (key, entry) in state.Keys)
        {
            Bytes -= key.Length + (entry.Value?.Length ?? 0L);
        }

        state.Keys.Clear();
        state.Exists = false;
        state.Dropped = state.ExistedAtBase;
        Settle(partition, state);
    }

    /// <summary>Everything accumulated, sorted, and a fresh start from here. The caller holds the store's write lock.</summary>
    public Drained TakeAll()
    {
        var taken = new Drained(_partitions, Bytes, OldestChange);
        _partitions = new Dictionary<string, PartitionState>(StringComparer.Ordinal);
        Bytes = 0;
        OldestChange = null;
        return taken;
    }

    private PartitionState Partition(string name, bool existedBefore)
    {
        if (_partitions.Count == 0)
        {
            OldestChange = time.GetUtcNow();
        }

        ref var state = ref CollectionsMarshal.GetValueRefOrAddDefault(_partitions, name, out var exists);
        if (!exists)
        {
            state = new PartitionState(existedBefore);
        }

        return state!;
    }

    /// <summary>Forgets a partition whose net change became nothing, so an interval that cancels out writes nothing.</summary>
    private void Settle(string name, PartitionState state)
    {
        if (state.IsNoChange)
        {
            _partitions.Remove(name);
            if (_partitions.Count == 0)
            {
                OldestChange = null;
            }
        }
    }

    internal readonly record struct Entry(byte[]? Value, bool ExistedAtBase);

    internal sealed class PartitionState(bool existedAtBase)
    {
        public bool ExistedAtBase { get; } = existedAtBase;

        public bool Exists { get; set; } = existedAtBase;

        public bool Dropped { get; set; }

        public Dictionary<byte[], Entry> Keys { get; } = new(KeyBytesComparer.Instance);

        /// <summary>No key changed, not dropped, and it exists exactly when it existed at the base.</summary>
        public bool IsNoChange => Keys.Count == 0 && !Dropped && Exists == ExistedAtBase;
    }

    /// <summary>What <see cref="TakeAll"/> took, turned into a change set outside the lock (sorting costs time).</summary>
    internal readonly record struct Drained(Dictionary<string, PartitionState> Partitions, long Bytes, DateTimeOffset? OldestChange)
    {
        public InMemoryChangeSet ToChangeSet(long sequence, DateTimeOffset drainedAt)
        {
            var names = Partitions.Keys.ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            var result = new PartitionChanges[names.Length];
            for (var i = 0; i < names.Length; i++)
            {
                var state = Partitions[names[i]];
                var keys = new KeyChange[state.Keys.Count];
                var n = 0;
                foreach (var (key, entry) in state.Keys)
                {
                    keys[n++] = new KeyChange(key, entry.Value);
                }

                Array.Sort(keys, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
                result[i] = new PartitionChanges(names[i], state.Dropped, state.Exists, keys);
            }

            return new InMemoryChangeSet(sequence, drainedAt, OldestChange, result, Bytes);
        }
    }
}
