namespace EdgeModule.Messaging.Tests.Support;

/// <summary>The storage backend a behavioural test class runs on; each abstract test class has one subclass per value.</summary>
public enum Backend
{
    Memory,
    RocksDb,
}
