using System.Collections;

namespace EdgeModule;

/// <summary>
/// Every setting of the module, read from environment variables and validated before anything starts: the first
/// invalid one stops the module with one line naming the variable, its value and what is allowed (Program.cs).
/// </summary>
public sealed class ModuleSettings
{
    /// <summary>
    /// Default ShutdownWaitPeriod: 20 s, inside the 30 s the IoT Edge daemon waits before it kills a container, with
    /// room for the runtime's own work and the process exit.
    /// </summary>
    public const int DefaultShutdownWaitSeconds = 20;

    public required StorageSettings Storage { get; init; }

    public required BackupSettings Backup { get; init; }

    public required MessagingSettings Messaging { get; init; }

    public required TransportSettings Transport { get; init; }

    public required SimulatedSensorSettings Sensor { get; init; }

    /// <summary>What the host gives shutdown in total (HostOptions.ShutdownTimeout); the backup gets what remains of it.</summary>
    public TimeSpan ShutdownWaitPeriod { get; init; } = TimeSpan.FromSeconds(DefaultShutdownWaitSeconds);

    /// <summary>
    /// Kept free at the end of <see cref="ShutdownWaitPeriod"/> for closing the store and exiting: 10 % of it, at
    /// least 1 s and at most 5 s.
    /// </summary>
    public TimeSpan ShutdownSafetyMargin =>
        TimeSpan.FromTicks(Math.Clamp(ShutdownWaitPeriod.Ticks / 10, TimeSpan.TicksPerSecond, 5 * TimeSpan.TicksPerSecond));

    public static ModuleSettings FromEnvironment(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var env = new EnvironmentReader(variables);
        var storage = StorageSettings.FromEnvironment(env);
        var transport = TransportSettings.FromEnvironment(variables);
        return new ModuleSettings
        {
            Storage = storage,
            Backup = BackupSettings.FromEnvironment(env, storage),
            Messaging = MessagingSettings.FromEnvironment(env),
            Transport = transport,
            Sensor = SimulatedSensorSettings.FromEnvironment(env, transport),
            ShutdownWaitPeriod = TimeSpan.FromSeconds(env.Int64("ShutdownWaitPeriod", DefaultShutdownWaitSeconds, 2, 3600)),
        };
    }
}
