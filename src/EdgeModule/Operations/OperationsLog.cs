using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// The operator side's log events (source-generated). Fixed ids: 70x metrics, 71x direct methods and snapshot tasks,
/// 72x watchdog.
/// </summary>
internal static partial class OperationsLog
{
    [LoggerMessage(700, LogLevel.Information, "Metrics off (MetricsPort=0)")]
    public static partial void MetricsOff(ILogger logger);

    [LoggerMessage(701, LogLevel.Information, "Serving Prometheus metrics on http://{Host}:{Port}/metrics (names prefixed {Prefix}_)")]
    public static partial void MetricsServing(ILogger logger, string host, int port, string prefix);
}
