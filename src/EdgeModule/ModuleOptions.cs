using Microsoft.Extensions.Configuration;

namespace EdgeModule;

/// <summary>
/// Every setting of the module, bound from configuration (the environment variables the host loads) and validated
/// before anything starts: every invalid one is reported on a line of its own naming the variable, its value and what
/// is allowed, and the module exits with code 2 (Program.cs). Declared once here; nothing in these classes touches the
/// disk or the network (ModuleFolders and StoreFactory do that at start).
/// </summary>
public sealed class ModuleOptions
{
    /// <summary>
    /// Default ShutdownWaitPeriod: 20 s, inside the 30 s the IoT Edge daemon waits before it kills a container, with
    /// room for the runtime's own work and the process exit.
    /// </summary>
    public const int DefaultShutdownWaitSeconds = 20;

    public required ModuleStorageOptions Storage { get; init; }

    public required ModuleBackupOptions Backup { get; init; }

    public required MessagingOptions Messaging { get; init; }

    public required TransportOptions Transport { get; init; }

    public required SimulatedSensorOptions Sensor { get; init; }

    public EdgeModule.Operations.OperationsOptions Operations { get; init; } = new();

    public Serilog.Events.LogEventLevel LogLevel { get; init; } = Serilog.Events.LogEventLevel.Information;

    /// <summary>What the host gives shutdown in total (HostOptions.ShutdownTimeout); the backup gets what remains of it.</summary>
    public TimeSpan ShutdownWaitPeriod { get; init; } = TimeSpan.FromSeconds(DefaultShutdownWaitSeconds);

    /// <summary>
    /// Kept free at the end of <see cref="ShutdownWaitPeriod"/> for closing the store and exiting: 10 % of it, at
    /// least 1 s and at most 5 s.
    /// </summary>
    public TimeSpan ShutdownSafetyMargin =>
        TimeSpan.FromTicks(Math.Clamp(ShutdownWaitPeriod.Ticks / 10, TimeSpan.TicksPerSecond, 5 * TimeSpan.TicksPerSecond));

    /// <summary>
    /// How long a stop lets the pump's batch in flight wait for the upstream's acknowledgements before it abandons it
    /// (to be sent again after the restart): a quarter of <see cref="ShutdownWaitPeriod"/>, at most 10 s, so the
    /// backup keeps the larger part of the window.
    /// </summary>
    public TimeSpan PumpStopGrace => TimeSpan.FromTicks(Math.Min(ShutdownWaitPeriod.Ticks / 4, 10 * TimeSpan.TicksPerSecond));

    /// <summary>Binds and validates every setting; throws <see cref="SettingsException"/> listing every invalid one.</summary>
    public static ModuleOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new SettingsReader(configuration);
        var storage = ModuleStorageOptions.Read(reader);
        var transport = TransportOptions.Read(reader);
        var messaging = MessagingOptions.Read(reader);
        var options = new ModuleOptions
        {
            Storage = storage,
            Backup = ModuleBackupOptions.Read(reader, storage),
            Messaging = messaging,
            Transport = transport,
            Sensor = SimulatedSensorOptions.Read(reader, transport, messaging),
            Operations = EdgeModule.Operations.OperationsOptions.Read(reader, transport),
            LogLevel = ModuleLogging.ParseLevel(reader),
            ShutdownWaitPeriod = TimeSpan.FromSeconds(reader.Int64("ShutdownWaitPeriod", DefaultShutdownWaitSeconds, 2, 3600)),
        };
        reader.ThrowIfInvalid();
        return options;
    }

    /// <summary>Binds from a set of variables alone (tests, tools).</summary>
    public static ModuleOptions Bind(IEnumerable<KeyValuePair<string, string?>> variables) =>
        Bind(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());
}
