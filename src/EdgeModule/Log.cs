using EdgeModule.Backup;
using Microsoft.Extensions.Logging;

namespace EdgeModule;

/// <summary>
/// The host's log events (source-generated). Fixed ids per component: 1xx store (StoreFactory, StoreSwitch), 2xx
/// restore, backup and planning (StartupRestore, BackupService), 3xx forwarding (PumpService), 4xx inputs (TransportService), 5xx simulated
/// sensor, 6xx module lifecycle. The message store, pump and transport log their own events (3000s, 4000s).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Information,
        "Restored backup generation {Generation} from {Path}: {Messages} messages ({Endpoints}), {Bytes} bytes, {Records} records in {Partitions} partitions, in {ElapsedMs} ms; {Expired} expired messages dropped")]
    public static partial void Restored(ILogger logger, long generation, string path, long messages, string endpoints, long bytes, long records, long partitions, long elapsedMs, long expired);

    [LoggerMessage(201, LogLevel.Warning, "Starting with an EMPTY store: no usable backup in {Folder} ({Reasons})")]
    public static partial void StartingEmpty(ILogger logger, string folder, string reasons);

    [LoggerMessage(202, LogLevel.Error, "Backup {Path} is corrupt ({Reason}); quarantined as {QuarantinePath}")]
    public static partial void Quarantined(ILogger logger, string path, string reason, string quarantinePath);

    [LoggerMessage(203, LogLevel.Warning, "{Warning}")]
    public static partial void RestoreWarning(ILogger logger, string warning);

    [LoggerMessage(204, LogLevel.Information,
        "Backup generation {Generation} written to {Path}: {Bytes} bytes, {Messages} messages ({Endpoints}), {Records} records, {Partitions} partitions, in {ElapsedMs} ms; deadline {Deadline:HH:mm:ss.fff} ({RemainingMs} ms left)")]
    public static partial void BackedUp(ILogger logger, long generation, string path, long bytes, long messages, string endpoints, long records, long partitions, long elapsedMs, DateTimeOffset deadline, long remainingMs);

    [LoggerMessage(205, LogLevel.Error,
        "Backup FAILED ({Reason}); the previous generation stays in {Folder}; {Messages} messages in memory are lost if none is newer. Deadline was {Deadline:HH:mm:ss.fff}")]
    public static partial void BackupFailed(ILogger logger, string reason, string folder, long messages, DateTimeOffset deadline, Exception exception);

    [LoggerMessage(206, LogLevel.Warning,
        "A full backup of {Bytes} bytes would take about {EstimatedMs} ms at {MBps:F1} MB/s ({Source}), more than the {AvailableMs} ms ShutdownWaitPeriod leaves it: raise ShutdownWaitPeriod (and the container's StopTimeout), lower MaxStoreSizeBytes, or use UsePersistentStorage=true")]
    public static partial void BackupWouldNotFit(ILogger logger, long bytes, long estimatedMs, double mbps, SpeedSource source, long availableMs);

    [LoggerMessage(207, LogLevel.Information, "A full backup of {Bytes} bytes is estimated at {EstimatedMs} ms at {MBps:F1} MB/s ({Source}); ShutdownWaitPeriod leaves it {AvailableMs} ms")]
    public static partial void BackupFits(ILogger logger, long bytes, long estimatedMs, double mbps, SpeedSource source, long availableMs);

    [LoggerMessage(208, LogLevel.Information, "EnableNonPersistentStorageBackup=true is ignored: UsePersistentStorage=true keeps the store on disk in {Folder}, so nothing is backed up at shutdown")]
    public static partial void BackupIgnored(ILogger logger, string folder);

    [LoggerMessage(210, LogLevel.Information, "Message store ready: {Messages} messages ({Endpoints}), {Bytes} bytes of {Limit}; TTL {Ttl}, cleanup every {Cleanup}")]
    public static partial void MessageStoreReady(ILogger logger, long messages, string endpoints, long bytes, long limit, TimeSpan ttl, TimeSpan cleanup);

    [LoggerMessage(211, LogLevel.Warning, "Backup planning failed; it is tried again later")]
    public static partial void PlanningFailed(ILogger logger, Exception exception);

    [LoggerMessage(212, LogLevel.Information, "Restoring the newest sound backup from {Folder}; nothing is accepted before it is done")]
    public static partial void Restoring(ILogger logger, string folder);

    [LoggerMessage(300, LogLevel.Information, "Forwarding to {Upstream}")]
    public static partial void ForwardingTo(ILogger logger, string upstream);

    [LoggerMessage(301, LogLevel.Information, "Flow: {Received} received (+{ReceivedDelta}), {Forwarded} forwarded (+{ForwardedDelta}), {Refused} refused while full; queued {Endpoints}")]
    public static partial void Flow(ILogger logger, long received, long receivedDelta, long forwarded, long forwardedDelta, long refused, string endpoints);

    [LoggerMessage(302, LogLevel.Information, "Pump stopped; checkpoints committed: {Endpoints}")]
    public static partial void PumpStopped(ILogger logger, string endpoints);

    [LoggerMessage(303, LogLevel.Error, "The upstream client failed to start")]
    public static partial void UpstreamStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(400, LogLevel.Information, "Accepting messages on inputs {Inputs} (routes {Routes})")]
    public static partial void Accepting(ILogger logger, string inputs, string routes);

    [LoggerMessage(401, LogLevel.Information, "Inputs closed: no more messages are accepted")]
    public static partial void InputsClosed(ILogger logger);

    [LoggerMessage(402, LogLevel.Warning, "Dropped a message on input {Input}: {Reason} (redelivery cannot fix it)")]
    public static partial void InputTooLarge(ILogger logger, string input, string reason);

    [LoggerMessage(403, LogLevel.Error, "The inputs client failed to start")]
    public static partial void InputsStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(500, LogLevel.Information, "Simulated sensor: a reading every {IntervalMs} ms to input {Input}{Limit}")]
    public static partial void SensorStarted(ILogger logger, long intervalMs, string input, string limit);

    [LoggerMessage(501, LogLevel.Debug, "Simulated sensor: reading {Number} not sent ({Reason})")]
    public static partial void SensorSendFailed(ILogger logger, long number, string reason);

    [LoggerMessage(502, LogLevel.Information, "Simulated sensor: sent {Count} readings; done")]
    public static partial void SensorDone(ILogger logger, long count);

    [LoggerMessage(600, LogLevel.Information, "Shutdown began: {WaitMs} ms ShutdownWaitPeriod, backup deadline {Deadline:HH:mm:ss.fff}")]
    public static partial void ShutdownBegan(ILogger logger, long waitMs, DateTimeOffset deadline);

    [LoggerMessage(601, LogLevel.Critical, "The module failed to start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason);

    [LoggerMessage(602, LogLevel.Debug, "Start failure details")]
    public static partial void StartFailedDetail(ILogger logger, Exception exception);

    [LoggerMessage(603, LogLevel.Information, "Stopped during start: nothing was accepted yet, and every backup was left as it was")]
    public static partial void StoppedDuringStart(ILogger logger);

    [LoggerMessage(604, LogLevel.Error, "{Reason}")]
    public static partial void FolderUnusable(ILogger logger, string reason);
}
