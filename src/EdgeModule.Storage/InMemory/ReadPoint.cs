namespace EdgeModule.Storage.InMemory;

/// <summary>
/// A registered sequence number that readers see the store at. While it is held, the writer keeps every version it
/// needs. Reference counted so a cursor opened from a snapshot stays valid after the snapshot is disposed.
/// </summary>
internal sealed class ReadPoint(InMemoryStore store, long sequence)
{
    private int _references = 1;

    public long Sequence { get; } = sequence;

    public ReadPoint AddReference()
    {
        // Only a current holder adds a reference, so the count cannot be zero here.
        Interlocked.Increment(ref _references);
        return this;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            store.ReleaseReadPoint(Sequence);
        }
    }
}
