namespace EdgeModule.Messaging;

/// <summary>A summary for logs (startup, restore, backup): messages stored once each, their bytes and every queue.</summary>
public sealed record MessageStoreStats(long MessageCount, long MessageBytes, long MaxStoreBytes, IReadOnlyList<EndpointStats> Endpoints);
