using EdgeModule.Messaging;
using EdgeModule.Store;
using EdgeModule.Transport.Mqtt;
using Prometheus;

namespace EdgeModule.Operations;

/// <summary>
/// The module's Prometheus metrics, in a registry of its own (a host per registry, so tests can run several). Names
/// start with the module's name (<see cref="OperationsOptions.MetricsPrefix"/>) and carry the static labels
/// <c>iothub</c>, <c>edge_device</c>, <c>module_name</c>. Most figures are read from the store and the journal when
/// a scrape collects (no work on the message path); the store's counters start at zero at each start and are
/// exported as counters, which Prometheus' <c>rate()</c> handles across restarts.
/// </summary>
public sealed class ModuleMetrics
{
    private static readonly string[] s_endpoint = ["endpoint"];
    private static readonly string[] s_reason = ["reason"];

    private readonly MessageStore _messages;
    private readonly ModuleJournal _journal;
    private readonly ModuleClients _clients;
    private readonly BackupActivity _backups;

    private readonly Gauge _queueLength;
    private readonly Gauge _queueBytes;
    private readonly Gauge _oldestAge;
    private readonly Counter _forwarded;
    private readonly Counter _received;
    private readonly Counter _refused;
    private readonly Counter _dropped;
    private readonly Gauge _storeBytes;
    private readonly Gauge _storeMaxBytes;
    private readonly Gauge _storeMessages;
    private readonly Histogram _backupDuration;
    private readonly Gauge _lastBackup;
    private readonly Counter _backupBytes;
    private readonly Counter _restores;
    private readonly Gauge _upstreamConnected;
    private readonly Gauge _storeWritesFailing;
    private readonly Gauge _unprotectedBytes;
    private readonly Gauge _unprotectedAge;
    private readonly Counter _journalBytes;
    private readonly Counter _fullGenerationBytes;
    private readonly Counter _flushes;
    private readonly Counter _flushSeconds;
    private readonly Gauge _lastFlushSeconds;

    public ModuleMetrics(
        OperationsOptions options, MessageStore messages, ModuleJournal journal, ModuleClients clients, BackupActivity backups,
        StartupRestore restore)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(backups);
        ArgumentNullException.ThrowIfNull(restore);
        _messages = messages;
        _journal = journal;
        _clients = clients;
        _backups = backups;
        Prefix = options.MetricsPrefix;
        Registry = Metrics.NewCustomRegistry();
        if (options.MetricLabels.Count > 0)
        {
            Registry.SetStaticLabels(options.MetricLabels.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        }

        var f = Metrics.WithCustomRegistry(Registry);
        var p = Prefix + "_";
        _queueLength = f.CreateGauge(p + "queue_length", "Messages waiting for the upstream, per endpoint.", s_endpoint);
        _queueBytes = f.CreateGauge(p + "queue_bytes", "Record bytes queued, per endpoint.", s_endpoint);
        _oldestAge = f.CreateGauge(p + "oldest_message_age_seconds", "Age of the oldest undelivered message, per endpoint (0 when none).", s_endpoint);
        _forwarded = f.CreateCounter(p + "messages_forwarded_total", "Messages the upstream acknowledged, per endpoint.", s_endpoint);
        _received = f.CreateCounter(p + "messages_received_total", "Messages stored from the inputs.");
        _refused = f.CreateCounter(p + "messages_refused_total", "Messages refused and left with the producer (full: a size limit; write_failed: the backend).", s_reason);
        _dropped = f.CreateCounter(p + "messages_dropped_total", "Messages dropped undelivered, by reason (ttl_expiry, no_route, too_large).", s_reason);
        _storeBytes = f.CreateGauge(p + "store_bytes", "Bytes of the stored message records (what MaxStoreSizeBytes bounds).");
        _storeMaxBytes = f.CreateGauge(p + "store_max_bytes", "MaxStoreSizeBytes (0 when unbounded).");
        _storeMessages = f.CreateGauge(p + "store_messages", "Messages held in the store.");
        _backupDuration = f.CreateHistogram(p + "backup_duration_seconds", "Duration of the backups taken while running (snapshots).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 16) });
        _lastBackup = f.CreateGauge(p + "last_successful_backup_time_seconds", "Unix time of the last successful backup taken while running (0 before the first).");
        _backupBytes = f.CreateCounter(p + "backup_bytes_written_total", "Bytes written by backups: snapshots, the journal's deltas and its full generations.");
        _restores = f.CreateCounter(p + "restores_total", "Restores at start, by outcome (restored, starting_empty).", ["outcome"]);
        _upstreamConnected = f.CreateGauge(p + "upstream_connected", "1 while the upstream connection is up.");
        _storeWritesFailing = f.CreateGauge(p + "store_writes_failing", "1 while the store's backend fails its writes (e.g. a full disk): messages are refused.");
        _unprotectedBytes = f.CreateGauge(p + "journal_unprotected_bytes", "Bytes changed in the store and not yet on disk (the loss window).");
        _unprotectedAge = f.CreateGauge(p + "journal_oldest_unprotected_age_seconds", "How long the oldest change not yet on disk has waited.");
        _journalBytes = f.CreateCounter(p + "journal_bytes_written_total", "Bytes the journal appended as deltas.");
        _fullGenerationBytes = f.CreateCounter(p + "journal_full_generation_bytes_written_total", "Bytes the journal wrote as full generations.");
        _flushes = f.CreateCounter(p + "journal_flushes_total", "Journal flushes that wrote a delta.");
        _flushSeconds = f.CreateCounter(p + "journal_flush_seconds_total", "Time spent in journal flushes.");
        _lastFlushSeconds = f.CreateGauge(p + "journal_last_flush_seconds", "Duration of the last journal flush.");

        foreach (var outcome in new[] { "restored", "starting_empty" })
        {
            _restores.WithLabels(outcome);
        }

        if (restore.Result is { } r)
        {
            _restores.WithLabels(r.Outcome == Backup.RestoreOutcome.Restored ? "restored" : "starting_empty").Inc();
        }

        backups.Succeeded += result => _backupDuration.Observe(result.Elapsed.TotalSeconds);
        Registry.AddBeforeCollectCallback(Collect);
    }

    public CollectorRegistry Registry { get; }

    public string Prefix { get; }

    private void Collect()
    {
        var stats = _messages.GetStats();
        foreach (var e in stats.Endpoints)
        {
            _queueLength.WithLabels(e.Endpoint).Set(e.Undelivered);
            _queueBytes.WithLabels(e.Endpoint).Set(e.QueueBytes);
            _oldestAge.WithLabels(e.Endpoint).Set(e.OldestMessageAge?.TotalSeconds ?? 0);
            _forwarded.WithLabels(e.Endpoint).IncTo(e.Forwarded);
        }

        _received.IncTo(stats.Received);
        _refused.WithLabels("full").IncTo(stats.RefusedFull);
        _refused.WithLabels("write_failed").IncTo(stats.RefusedWriteFailed);
        _dropped.WithLabels("ttl_expiry").IncTo(stats.DroppedTtlExpiry);
        _dropped.WithLabels("no_route").IncTo(stats.DroppedNoRoute);
        _dropped.WithLabels("too_large").IncTo(stats.DroppedTooLarge);
        _storeBytes.Set(stats.MessageBytes);
        _storeMaxBytes.Set(stats.MaxStoreBytes == long.MaxValue ? 0 : stats.MaxStoreBytes);
        _storeMessages.Set(stats.MessageCount);
        _upstreamConnected.Set(_clients.Upstream.Status == ConnectionStatus.Connected ? 1 : 0);
        _storeWritesFailing.Set(_messages.WritesFailing ? 1 : 0);
        if (_backups.LastSuccessAt is { } last)
        {
            _lastBackup.Set(last.ToUnixTimeMilliseconds() / 1000.0);
        }

        var written = _backups.BytesWritten;
        if (_journal.Journal is { } journal)
        {
            var j = journal.GetStatistics();
            _unprotectedBytes.Set(j.UnprotectedBytes);
            _unprotectedAge.Set(j.UnprotectedAge.TotalSeconds);
            _journalBytes.IncTo(j.JournalBytesWritten);
            _fullGenerationBytes.IncTo(j.FullGenerationBytesWritten);
            _flushes.IncTo(j.Flushes);
            _flushSeconds.IncTo(j.TotalFlushDuration.TotalSeconds);
            _lastFlushSeconds.Set(j.LastFlushDuration.TotalSeconds);
            written += j.JournalBytesWritten + j.FullGenerationBytesWritten;
        }

        _backupBytes.IncTo(written);
    }
}
