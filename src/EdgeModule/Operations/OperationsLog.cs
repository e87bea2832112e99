using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// The operator side's log events (source-generated). Fixed ids: 70x metrics, 71x direct methods and tasks,
/// 72x watchdog, 73x the dropped-file restore.
/// </summary>
internal static partial class OperationsLog
{
    [LoggerMessage(700, LogLevel.Information, "Metrics off (MetricsPort=0)")]
    public static partial void MetricsOff(ILogger logger);

    [LoggerMessage(701, LogLevel.Information, "Serving Prometheus metrics on http://{Host}:{Port}/metrics (names prefixed {Prefix}_)")]
    public static partial void MetricsServing(ILogger logger, string host, int port, string prefix);

    [LoggerMessage(710, LogLevel.Information, "Direct methods ready: {Methods}")]
    public static partial void MethodsReady(ILogger logger, string methods);

    [LoggerMessage(711, LogLevel.Information, "Snapshot {CorrelationId} started: {How}")]
    public static partial void SnapshotStarted(ILogger logger, string correlationId, string how);

    [LoggerMessage(712, LogLevel.Information, "Snapshot {CorrelationId} written as generation {Generation} to {Path}: {Bytes} bytes, {Records} records, in {ElapsedMs} ms")]
    public static partial void SnapshotWritten(ILogger logger, string correlationId, long generation, string path, long bytes, long records, long elapsedMs);

    [LoggerMessage(713, LogLevel.Error, "Task {Kind} {CorrelationId} FAILED: {Reason}")]
    public static partial void TaskFailed(ILogger logger, string kind, string correlationId, string reason, Exception exception);

    [LoggerMessage(714, LogLevel.Warning, "Backup generation {Generation} deleted on request ({Path}, {Bytes} bytes)")]
    public static partial void SnapshotDeleted(ILogger logger, long generation, string path, long bytes);

    [LoggerMessage(715, LogLevel.Information, "Direct method {Method} refused with {Status}: {Reason}")]
    public static partial void MethodRefused(ILogger logger, string method, int status, string reason);

    [LoggerMessage(718, LogLevel.Information, "Verified {File} for ListSnapshots: {State}, {Records} records, {Deltas} deltas, in {ElapsedMs} ms")]
    public static partial void SnapshotVerified(ILogger logger, string file, string state, long records, int deltas, long elapsedMs);

    [LoggerMessage(720, LogLevel.Information, "Watchdog on: no progress for {Seconds} s while work waits stops the module (WatchdogTimeoutSecs)")]
    public static partial void WatchdogOn(ILogger logger, long seconds);

    [LoggerMessage(721, LogLevel.Information, "Watchdog off (WatchdogTimeoutSecs=0)")]
    public static partial void WatchdogOff(ILogger logger);

    [LoggerMessage(722, LogLevel.Critical, "Watchdog: {Reason}; stopping with exit code {ExitCode} so IoT Edge restarts the module")]
    public static partial void WatchdogStall(ILogger logger, string reason, int exitCode);

    [LoggerMessage(716, LogLevel.Information, "Upload {CorrelationId} of generation {Generation} to {Blob} done: {Bytes} bytes in {ElapsedMs} ms")]
    public static partial void Uploaded(ILogger logger, string correlationId, long generation, string blob, long bytes, long elapsedMs);

    [LoggerMessage(717, LogLevel.Warning, "Upload attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    public static partial void UploadRetry(ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(730, LogLevel.Warning,
        "Restored the dropped file {Path} (its generation {Generation}) instead of the newest generation: {Records} records, {Bytes} bytes, in {ElapsedMs} ms; moved to {MovedTo}")]
    public static partial void DroppedFileRestored(ILogger logger, string path, long generation, long records, long bytes, long elapsedMs, string movedTo);

    [LoggerMessage(731, LogLevel.Error, "The dropped file {Path} was NOT restored: {Reason}. Moved to {MovedTo}; starting as without it")]
    public static partial void DroppedFileRefused(ILogger logger, string path, string reason, string movedTo);
}
