using Microsoft.Extensions.Logging;

namespace EdgeModule.Messaging;

/// <summary>Message store and pump log events; ids 3000-3099 are fixed so alerts can key on them.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Message store open on {Backend}: {Messages} messages, {Bytes} bytes of {Limit}; endpoints {Endpoints}")]
    public static partial void Opened(ILogger logger, string backend, long messages, long bytes, long limit, string endpoints);

    [LoggerMessage(3001, LogLevel.Warning, "Input {Input} has no route; its messages are acknowledged and dropped (routes: {Routes})")]
    public static partial void NoRoute(ILogger logger, string input, string routes);

    [LoggerMessage(3002, LogLevel.Warning, "Message store full: {Used} of {Limit} bytes used; refusing messages until cleanup frees space ({Reason})")]
    public static partial void StoreFull(ILogger logger, long used, long limit, string reason, Exception exception);

    [LoggerMessage(3003, LogLevel.Information, "Message store accepts messages again: {Used} of {Limit} bytes used")]
    public static partial void StoreAcceptsAgain(ILogger logger, long used, long limit);

    [LoggerMessage(3004, LogLevel.Error, "Endpoint {Endpoint}: queue entry {Sequence} cannot be read and is skipped (copied to mq.quarantine): {Problem}")]
    public static partial void CorruptEntry(ILogger logger, string endpoint, long sequence, string problem);

    [LoggerMessage(3005, LogLevel.Information, "Cleanup removed {Entries} queue entries ({Expired} expired undelivered), deleted {Messages} messages, freed {Bytes} bytes")]
    public static partial void CleanedUp(ILogger logger, long entries, long expired, long messages, long bytes);

    [LoggerMessage(3006, LogLevel.Error, "Cleanup pass failed; it runs again at the next interval")]
    public static partial void CleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(3007, LogLevel.Information, "Endpoint {Endpoint}: {Count} messages expired before they could be forwarded (TTL {Ttl})")]
    public static partial void ExpiredBeforeForwarding(ILogger logger, string endpoint, int count, TimeSpan ttl);

    [LoggerMessage(3008, LogLevel.Error, "Endpoint {Endpoint}: queue entry {Sequence} could not be dereferenced during cleanup ({Problem}); its message record, if any, stays")]
    public static partial void CorruptEntryAtCleanup(ILogger logger, string endpoint, long sequence, string problem);

    [LoggerMessage(3010, LogLevel.Information, "Pump started for endpoints {Endpoints}, batches of {BatchSize}")]
    public static partial void PumpStarted(ILogger logger, string endpoints, int batchSize);

    [LoggerMessage(3011, LogLevel.Warning, "Endpoint {Endpoint}: the upstream is unavailable; holding {Count} messages from sequence {First} and retrying with backoff")]
    public static partial void UpstreamDown(ILogger logger, string endpoint, int count, long first, Exception exception);

    [LoggerMessage(3012, LogLevel.Debug, "Endpoint {Endpoint}: send attempt {Attempt} failed; next in {Delay}")]
    public static partial void SendRetry(ILogger logger, string endpoint, int attempt, TimeSpan delay, Exception? exception);

    [LoggerMessage(3013, LogLevel.Information, "Endpoint {Endpoint}: the upstream is back after {Attempts} failed attempts ({Downtime})")]
    public static partial void UpstreamUp(ILogger logger, string endpoint, int attempts, TimeSpan downtime);

    [LoggerMessage(3014, LogLevel.Information, "Endpoint {Endpoint}: pump stopped at checkpoint {Checkpoint} ({Undelivered} undelivered)")]
    public static partial void PumpStopped(ILogger logger, string endpoint, long checkpoint, long undelivered);

    [LoggerMessage(3016, LogLevel.Information, "Pump stopping: no new batches; batches in flight have {Grace} to be acknowledged")]
    public static partial void Stopping(ILogger logger, TimeSpan grace);

    [LoggerMessage(3017, LogLevel.Warning, "Endpoint {Endpoint}: stopped with {Count} messages (sequences {First}-{Last}) sent but not acknowledged; they are sent again after the restart")]
    public static partial void BatchAbandoned(ILogger logger, string endpoint, int count, long first, long last);

    [LoggerMessage(3018, LogLevel.Warning, "Message store write failed: {Reason}; refusing messages (not acknowledged, so producers retry) until a write succeeds")]
    public static partial void StoreWriteFailing(ILogger logger, string reason, Exception exception);

    [LoggerMessage(3019, LogLevel.Information, "Message store writes succeed again after {Refused} refused messages")]
    public static partial void StoreWritesWorkAgain(ILogger logger, long refused);

    [LoggerMessage(3015, LogLevel.Error, "Endpoint {Endpoint}: the store failed while {Operation}; retrying with backoff")]
    public static partial void PumpStoreFailed(ILogger logger, string endpoint, string operation, Exception exception);
}
