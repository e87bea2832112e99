using EdgeModule.Messaging.Tests.Support;

namespace EdgeModule.Messaging.Tests.Forwarding;

/// <summary>The pump with delivered messages removed at acknowledgement on RocksDB too (the option is not tied to a backend).</summary>
public sealed class RocksDbRemoveOnCheckpointMessagePumpTests() : MessagePumpTests(Backend.RocksDb)
{
    protected override bool RemoveOnCheckpoint => true;
}
