using System.Collections.Concurrent;

namespace EdgeModule.Backup.Restoring;

/// <summary>
/// A fixed set of reusable items (buffers, batches) going round between two threads: the producer takes a free one,
/// fills it and passes it on; the consumer uses it and releases it back. The number of items bounds the memory, and
/// the queues give each item to one thread at a time.
/// </summary>
internal sealed class Relay<T> : IDisposable
    where T : IDisposable
{
    private readonly T[] _items;
    private readonly BlockingCollection<T> _free;
    private readonly BlockingCollection<T> _full;

    public Relay(int count, Func<T> create)
    {
        _items = new T[count];
        _free = new BlockingCollection<T>(count);
        _full = new BlockingCollection<T>(count);
        for (var i = 0; i < count; i++)
        {
            _items[i] = create();
            _free.Add(_items[i]);
        }
    }

    /// <summary>Producer: a free item, waiting for one if all are in use.</summary>
    public T TakeFree(CancellationToken stop) => _free.Take(stop);

    /// <summary>Producer: hands a filled item to the consumer.</summary>
    public void Pass(T item, CancellationToken stop) => _full.Add(item, stop);

    /// <summary>Producer: nothing more will be passed (called also when the producer fails).</summary>
    public void Complete() => _full.CompleteAdding();

    /// <summary>Consumer: the passed items in order, until the producer completes.</summary>
    public IEnumerable<T> Consume(CancellationToken stop) => _full.GetConsumingEnumerable(stop);

    /// <summary>Consumer: gives an item back to the producer.</summary>
    public void Release(T item, CancellationToken stop) => _free.Add(item, stop);

    /// <summary>Disposes the items; only once neither thread uses any of them any more.</summary>
    public void Dispose()
    {
        foreach (var item in _items)
        {
            item.Dispose();
        }

        _free.Dispose();
        _full.Dispose();
    }
}
