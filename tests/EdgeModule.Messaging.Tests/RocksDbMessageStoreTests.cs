using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests;

public sealed class RocksDbMessageStoreTests() : MessageStoreTests(Backend.RocksDb);
