using EdgeModule.Storage;

namespace EdgeModule.Backup.Tests.Support;

public static partial class StoreFactory
{
    /// <summary>Replaced by the real RocksDB store once EdgeModule.Storage.RocksDb lands.</summary>
    private static IKeyValueStore CreateRocksDb(string path) =>
        throw new NotSupportedException($"The RocksDB backend is not in the repository yet (store path {path}).");
}
