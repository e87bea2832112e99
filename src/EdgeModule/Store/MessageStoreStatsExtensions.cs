using EdgeModule.Messaging;

namespace EdgeModule.Store;

public static class MessageStoreStatsExtensions
{
    /// <summary>"output1=12, output2=0": the undelivered messages per endpoint, for log lines.</summary>
    public static string DescribeEndpoints(this MessageStoreStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return stats.Endpoints.Count == 0 ? "no endpoints" : string.Join(", ", stats.Endpoints.Select(e => $"{e.Endpoint}={e.Undelivered}"));
    }
}
