using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations.Twin;

/// <summary>The twin configuration's log events (source-generated), ids 74x.</summary>
internal static partial class TwinLog
{
    [LoggerMessage(740, LogLevel.Information, "Twin: {Name} {Old} -> {New} (desired version {Version})")]
    public static partial void Changed(ILogger logger, string name, long old, long @new, long? version);

    [LoggerMessage(741, LogLevel.Warning, "Twin: {Name}={Value} refused ({Why}); {Current} stays in effect (desired version {Version})")]
    public static partial void Refused(ILogger logger, string name, string value, string why, long current, long? version);

    [LoggerMessage(742, LogLevel.Warning, "Twin: {Name} is read only from the environment at start; the desired property is ignored (desired version {Version})")]
    public static partial void EnvironmentOnly(ILogger logger, string name, long? version);

    [LoggerMessage(743, LogLevel.Information, "Twin configuration ready: desired version {Version} applied; settings {Settings}")]
    public static partial void Ready(ILogger logger, long? version, string settings);

    [LoggerMessage(744, LogLevel.Warning, "Twin: could not read the twin ({Reason}); retrying in {RetrySeconds} s, the environment's values stay in effect meanwhile")]
    public static partial void GetFailed(ILogger logger, string reason, double retrySeconds);

    [LoggerMessage(745, LogLevel.Warning, "Twin: could not update the reported properties ({Reason}); retrying with the next report")]
    public static partial void ReportFailed(ILogger logger, string reason);
}
