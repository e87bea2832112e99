using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests;

/// <summary>Every store behaviour again with delivered messages removed at acknowledgement (memory mode's setting).</summary>
public sealed class InMemoryRemoveOnCheckpointMessageStoreTests() : MessageStoreTests(Backend.Memory)
{
    protected override bool RemoveOnCheckpoint => true;
}
