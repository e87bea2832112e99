using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests;

public sealed class InMemoryMessageStoreTests() : MessageStoreTests(Backend.Memory);
