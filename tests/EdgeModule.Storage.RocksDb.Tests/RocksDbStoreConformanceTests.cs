using EdgeModule.Storage.Tests.Conformance;

namespace EdgeModule.Storage.RocksDb.Tests;

/// <summary>The shared conformance suite against RocksDB: one database folder per test, deleted afterwards.</summary>
public sealed class RocksDbStoreConformanceTests : StoreConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override bool IsPersistent => true;

    protected override IKeyValueStore OpenStoreCore(StorageOptions limits) =>
        new RocksDbStore(new RocksDbStoreOptions
        {
            Path = _directory.Combine("db"),
            MaxKeyBytes = limits.MaxKeyBytes,
            MaxValueBytes = limits.MaxValueBytes,
        });

    public override void Dispose()
    {
        base.Dispose();
        _directory.Dispose();
    }
}
