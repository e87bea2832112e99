using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests.Forwarding;

/// <summary>Every pump behaviour again with delivered messages removed at acknowledgement (memory mode's setting).</summary>
public sealed class InMemoryRemoveOnCheckpointMessagePumpTests() : MessagePumpTests(Backend.Memory)
{
    protected override bool RemoveOnCheckpoint => true;
}
