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

    [LoggerMessage(213, LogLevel.Information,
        "Journal on: the store's changes are appended to {Path} every {IntervalMs} ms (a kill or a power cut loses at most that plus one flush); inputs are acknowledged once {Acknowledged}")]
    public static partial void JournalStarted(ILogger logger, string path, long intervalMs, string acknowledged);

    [LoggerMessage(214, LogLevel.Warning,
        "The journal of {Path} ended in a torn delta ({Bytes} bytes, the normal trace of a kill or a power cut mid-append): everything before it was restored; the torn bytes were copied to {Copy}")]
    public static partial void JournalTornTail(ILogger logger, string path, long bytes, string copy);

    [LoggerMessage(219, LogLevel.Error,
        "The journal of {Path} is damaged inside its deltas, not torn: {Later} later delta(s) were intact after the damage and are lost with it ({Bytes} bytes dropped, copied to {Copy}); the state before the damage was restored. Check the storage device")]
    public static partial void JournalDamagedDeltas(ILogger logger, string path, long bytes, int later, string copy);

    [LoggerMessage(215, LogLevel.Warning, "A journal flush failed ({Reason}); its changes stay unprotected until a flush succeeds, retried every interval")]
    public static partial void JournalFlushFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(216, LogLevel.Information, "Journal: full generation {Generation} written to {Path} ({Bytes} bytes in {ElapsedMs} ms); older generations beyond the kept ones deleted")]
    public static partial void JournalGenerationWritten(ILogger logger, long generation, string path, long bytes, long elapsedMs);

    [LoggerMessage(217, LogLevel.Information,
        "Journal flushed at shutdown: {DeltaBytes} bytes in {ElapsedMs} ms{Generation}; {Path} holds {Deltas} deltas, {FileBytes} bytes; {Messages} messages ({Endpoints}); deadline {Deadline:HH:mm:ss.fff}")]
    public static partial void JournalFlushedAtShutdown(ILogger logger, long deltaBytes, long elapsedMs, string generation, string path, int deltas, long fileBytes, long messages, string endpoints, DateTimeOffset deadline);

    [LoggerMessage(218, LogLevel.Information,
        "Journal: {Flushes} flushes (+{FlushesDelta}), {JournalBytes} bytes of deltas, {FullBytes} bytes of full generations; unprotected now {UnprotectedBytes} bytes, oldest {UnprotectedAgeMs} ms; last flush {LastFlushMs} ms; generation {Generation} with {Deltas} deltas")]
    public static partial void JournalFlow(ILogger logger, long flushes, long flushesDelta, long journalBytes, long fullBytes, long unprotectedBytes, long unprotectedAgeMs, double lastFlushMs, long generation, int deltas);

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
