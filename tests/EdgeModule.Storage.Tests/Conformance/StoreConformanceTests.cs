namespace EdgeModule.Storage.Tests.Conformance;

/// <summary>
/// The contract of <see cref="IKeyValueStore"/>, run against every backend by subclassing. Tests are written against
/// the interface only; a backend passes when every test here passes unchanged.
/// </summary>
public abstract partial class StoreConformanceTests : IDisposable
{
    private readonly List<IDisposable> _opened = [];

    /// <summary>True when data survives dispose and <see cref="OpenStoreCore"/> again (RocksDB); false for memory.</summary>
    protected abstract bool IsPersistent { get; }

    /// <summary>
    /// Opens the backend at this test's own location (a fresh one per test instance); calling it again after the
    /// previous store was disposed reopens the same location.
    /// </summary>
    protected abstract IKeyValueStore OpenStoreCore(StorageOptions limits);

    protected IKeyValueStore OpenStore(StorageOptions? limits = null)
    {
        var store = OpenStoreCore(limits ?? new StorageOptions());
        _opened.Add(store);
        return store;
    }

    public virtual void Dispose()
    {
        foreach (var d in _opened)
        {
            d.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}
