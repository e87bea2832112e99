using EdgeModule.Backup;
using EdgeModule.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule;

/// <summary>
/// The message store over the open store, with restore at start and backup at stop.
/// <para>Start (after StoreService opened the store, before the pump and the transport start):
/// 1. restore — in-memory mode with EnableNonPersistentStorageBackup: the newest sound generation (corrupt ones are
/// quarantined, the older one used); RocksDB mode: once, when the RocksDB store is new and a backup of the in-memory
/// mode is there (a switch of mode loses no queued message);
/// 2. open the MessageStore on it and run one cleanup pass at once, which drops what expired while the module was down;
/// 3. log what was restored (generation, messages per endpoint, bytes, elapsed) or loudly why the store starts empty;
/// 4. plan: warn when a full backup would not fit the shutdown window, now and every planning interval.</para>
/// <para>Stop (after the transport stopped accepting and the pump committed its checkpoints):
/// 1. stop the cleanup and planning loops; 2. back up with the time that remains before the deadline
/// (<see cref="ShutdownDeadline"/>), logging bytes, messages, partitions, elapsed and the deadline; a failure is
/// logged as an error and makes the exit code non-zero, the previous generation stays; 3. release the message store
/// (StoreService closes the store itself afterwards).</para>
/// </summary>
public sealed partial class MessageStoreService(
    ModuleSettings settings,
    StoreService storeService,
    ShutdownDeadline shutdown,
    ModuleExitCode exitCode,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    /// <summary>How often the backup plan is checked against the current store size.</summary>
    public static readonly TimeSpan PlanningInterval = TimeSpan.FromMinutes(1);

    private readonly ILogger _logger = loggerFactory.CreateLogger<MessageStoreService>();
    private readonly CancellationTokenSource _stopping = new();
    private BackupManager? _backup;
    private MessageStore? _store;
    private Task _background = Task.CompletedTask;

    public MessageStore Store => _store ?? throw new InvalidOperationException("The message store is not open yet.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var kv = storeService.Store;
        var restore = RestoreIfConfigured(kv, cancellationToken);
        _store = new MessageStore(kv, new MessageStoreOptions
        {
            TimeToLive = settings.Messaging.TimeToLive,
            CleanupInterval = settings.Messaging.CleanupInterval,
            MaxStoreBytes = settings.Storage.MaxStoreSizeBytes == 0 ? long.MaxValue : settings.Storage.MaxStoreSizeBytes,
            // The transport already bounds body + properties; the stored record adds a little framing.
            MaxMessageBytes = settings.Transport.Inputs.MaxMessageSize + (64 * 1024),
            Routes = settings.Messaging.Routes,
        }, time, loggerFactory.CreateLogger<MessageStore>());

        // Expired messages are dropped right after the restore, before the pump could forward them.
        var cleanup = _store.Cleanup();
        var stats = _store.GetStats();
        if (restore is { Outcome: RestoreOutcome.Restored } r)
        {
            Log.Restored(_logger, r.Generation ?? 0, r.Path ?? "?", stats.MessageCount, Describe(stats), r.FileBytes, r.Records, r.Partitions,
                (long)r.Elapsed.TotalMilliseconds, cleanup.ExpiredEntries);
        }

        Log.MessageStoreReady(_logger, stats.MessageCount, Describe(stats), stats.MessageBytes, stats.MaxStoreBytes,
            settings.Messaging.TimeToLive, settings.Messaging.CleanupInterval);

        if (_backup is not null && settings.Backup.Enabled)
        {
            Plan(initial: true);
        }

        _background = Task.WhenAll(
            Task.Run(() => _store.RunCleanupLoopAsync(_stopping.Token), CancellationToken.None),
            Task.Run(() => PlanLoopAsync(_stopping.Token), CancellationToken.None));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        if (_store is null)
        {
            return;
        }

        if (settings.Backup.Enabled && _backup is not null)
        {
            BackUp(cancellationToken);
        }

        _store.Dispose();
        _store = null;
    }

    public void Dispose()
    {
        _store?.Dispose();
        _stopping.Dispose();
    }

    internal static string Describe(MessageStoreStats stats) =>
        stats.Endpoints.Count == 0 ? "no endpoints" : string.Join(", ", stats.Endpoints.Select(e => $"{e.Endpoint}={e.Undelivered}"));
}
