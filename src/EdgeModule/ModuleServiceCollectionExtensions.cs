using EdgeModule.Backup;
using EdgeModule.Operations;
using EdgeModule.Operations.Twin;
using EdgeModule.Storage;
using EdgeModule.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeModule;

public static class ModuleServiceCollectionExtensions
{
    /// <summary>
    /// The module's services. The store, the backup manager, the message store and the MQTT clients are singletons
    /// the hosted services depend on; the message store is opened (after the restore, <see cref="StartupRestore"/>)
    /// when the host resolves its hosted services, before any of them starts. Hosted services start in the order
    /// registered here and stop in the reverse one.
    /// </summary>
    public static IServiceCollection AddEdgeModule(this IServiceCollection services, ModuleOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownWaitPeriod);
        services.AddSingleton(time);
        services.AddSingleton(options);
        services.AddSingleton(options.Transport);
        services.AddSingleton(options.Operations);
        services.AddSingleton<BackupActivity>();
        services.AddSingleton<ModuleMetrics>();
        services.AddSingleton<SnapshotTasks>();
        services.AddSingleton<SnapshotUploader>();
        services.AddSingleton<DirectMethods>();
        services.AddSingleton<StoreStatus>();
        services.AddSingleton<SnapshotCatalog>();
        services.AddSingleton<TwinSettings>();
        services.AddSingleton<TwinConfiguration>();
        services.AddSingleton<ModuleExitCode>();
        services.AddSingleton<FlowCounters>();
        services.AddSingleton<StatsSchedule>();
        services.AddSingleton<ShutdownDeadline>();
        services.AddSingleton<ModuleClients>();
        services.AddSingleton<StoreSwitch>();
        services.AddSingleton<StoreFactory>();
        services.AddSingleton<IKeyValueStore>(sp => sp.GetRequiredService<StoreFactory>().Open());
        services.AddSingleton(sp => new BackupManager(new BackupOptions { Folder = options.Backup.Folder }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ModuleJournal>();
        services.AddSingleton<DroppedFileRestore>();
        services.AddSingleton<StartupRestore>();
        services.AddSingleton(sp => sp.GetRequiredService<StartupRestore>().OpenMessageStore(
            sp.GetRequiredService<IKeyValueStore>(), sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));

        services.AddHostedService<StoreCloseService>();
        services.AddHostedService<MetricsService>();
        services.AddHostedService<WatchdogService>();
        services.AddHostedService<BackupService>();
        services.AddHostedService<JournalService>();
        services.AddHostedService<CleanupService>();
        services.AddHostedService<PumpService>();
        services.AddHostedService<TransportService>();
        services.AddHostedService<DirectMethodsService>();
        services.AddHostedService<TwinService>();
        services.AddHostedService<SimulatedSensorService>();
        return services;
    }
}
