using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests.Forwarding;

public sealed class InMemoryMessagePumpTests() : MessagePumpTests(Backend.Memory);
