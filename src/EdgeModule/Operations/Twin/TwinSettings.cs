using EdgeModule.Messaging;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using EdgeModule.Store;

namespace EdgeModule.Operations.Twin;

/// <summary>
/// The settings the twin may change while the module runs, each applied where it acts: StatsIntervalSecs (the flow
/// lines), TimeToLiveSecs, MessageCleanupIntervalSecs and MaxStoreSizeBytes (the message store, and the in-memory
/// backend's own limit), CheckpointIntervalMs (the journal, when it runs). Ranges are the environment variables'.
/// </summary>
public sealed class TwinSettings
{
    /// <summary>
    /// Variables the module reads only at start: a desired property of one of these names is answered 400, so an
    /// operator who expected it to apply learns that it needs a change of the environment and a restart.
    /// </summary>
    public static readonly IReadOnlySet<string> EnvironmentOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        "AcknowledgeAfterCheckpoint", "BackupFolder", "EnableNonPersistentStorageBackup", "MetricsPort", "Routes",
        "RuntimeLogLevel", "ShutdownWaitPeriod", "StorageFolder", "UsePersistentStorage", "WatchdogTimeoutSecs",
        "RocksDB_Compression", "RocksDB_EnableInfoLog", "RocksDB_MaxOpenFiles", "RocksDB_MaxTotalWalSize",
        "RocksDB_MaxWriteBufferNumber", "RocksDB_WriteBufferSize", "MqttHost", "MqttClientId", "MqttCleanSession",
        "MqttKeepAliveSecs", "MqttMaxInflightMessages", "MqttMaxMessageSize", "MqttTcpNoDelay",
        "SimulatedSensorInput", "SimulatedSensorIntervalMs", "SimulatedSensorMessageCount",
    };

    public TwinSettings(ModuleOptions options, StatsSchedule stats, MessageStore messages, IKeyValueStore store, ModuleJournal journal)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(journal);
        var memory = store as InMemoryStore;
        All =
        [
            new("StatsIntervalSecs", 0, 86400, (long)options.Messaging.StatsInterval.TotalSeconds, v =>
            {
                stats.Interval = TimeSpan.FromSeconds(v);
                return null;
            }),
            new("TimeToLiveSecs", 1, int.MaxValue, (long)options.Messaging.TimeToLive.TotalSeconds, v =>
            {
                messages.TimeToLive = TimeSpan.FromSeconds(v);
                return null;
            }),
            new("MessageCleanupIntervalSecs", 1, int.MaxValue, (long)options.Messaging.CleanupInterval.TotalSeconds, v =>
            {
                messages.CleanupInterval = TimeSpan.FromSeconds(v);
                return null;
            }),
            new("MaxStoreSizeBytes", 0, long.MaxValue, options.Storage.MaxStoreSizeBytes, v =>
            {
                // Raise the backend's limit before the store's, lower it after, so the store's stays the one that refuses.
                var backend = StoreFactory.MemoryLimitFor(v);
                if (memory is not null && (backend == 0 || backend > memory.MemoryLimitBytes))
                {
                    memory.MemoryLimitBytes = backend;
                }

                messages.MaxStoreBytes = v == 0 ? long.MaxValue : v;
                if (memory is not null)
                {
                    memory.MemoryLimitBytes = backend;
                }

                return null;
            }),
            new("CheckpointIntervalMs", 0, 3_600_000, (long)options.Backup.CheckpointInterval.TotalMilliseconds, v =>
            {
                if (journal.Journal is not { } running)
                {
                    return "the journal is not running (it runs in memory mode with EnableNonPersistentStorageBackup=true and "
                        + "CheckpointIntervalMs above 0 in the environment, from the start)";
                }

                if (v == 0)
                {
                    return "0 turns the journal off, which takes the environment variable CheckpointIntervalMs=0 and a restart";
                }

                running.CheckpointInterval = TimeSpan.FromMilliseconds(v);
                return null;
            }),
        ];
        ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);
        Current = All.ToDictionary(s => s.Name, s => s.EnvironmentValue, StringComparer.Ordinal);
    }

    public IReadOnlyList<TwinSetting> All { get; }

    public IReadOnlyDictionary<string, TwinSetting> ByName { get; }

    /// <summary>The value in effect per setting (the environment's until the twin changed it). Guarded by the caller.</summary>
    public Dictionary<string, long> Current { get; }
}
