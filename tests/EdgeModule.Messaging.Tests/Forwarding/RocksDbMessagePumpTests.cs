using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests.Forwarding;

public sealed class RocksDbMessagePumpTests() : MessagePumpTests(Backend.RocksDb);
