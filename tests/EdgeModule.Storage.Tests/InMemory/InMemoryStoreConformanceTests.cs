using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.Tests.Conformance;

namespace EdgeModule.Storage.Tests.InMemory;

public sealed class InMemoryStoreConformanceTests : StoreConformanceTests
{
    protected override bool IsPersistent => false;

    protected override IKeyValueStore OpenStoreCore(StorageOptions limits) =>
        new InMemoryStore(new InMemoryStoreOptions { MaxKeyBytes = limits.MaxKeyBytes, MaxValueBytes = limits.MaxValueBytes });
}
