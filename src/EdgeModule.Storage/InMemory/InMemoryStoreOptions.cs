namespace EdgeModule.Storage.InMemory;

public sealed class InMemoryStoreOptions : StorageOptions
{
    /// <summary>
    /// Upper bound on the bytes the store holds (keys, values, retained versions and per-entry overhead). A write that
    /// would pass it fails with <see cref="StoreFullException"/> and changes nothing; removes are always accepted, so a
    /// full store can drain. 0 means no limit.
    /// </summary>
    public long MemoryLimitBytes { get; init; }

    public override void Validate()
    {
        base.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(MemoryLimitBytes, nameof(MemoryLimitBytes));
    }
}
