using System.Globalization;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule;

/// <summary>
/// The optional simulated sensor (like IoT Edge's SimulatedTemperatureSensor): it publishes a JSON reading to the
/// module's own input through the broker, so a standalone run exercises the real path. Plain broker only.
/// </summary>
public sealed class SimulatedSensorOptions
{
    /// <summary>Milliseconds between readings; zero (the default) turns the sensor off.</summary>
    public TimeSpan Interval { get; init; }

    public bool Enabled => Interval > TimeSpan.Zero;

    public string Input { get; init; } = "input1";

    /// <summary>Readings to send before stopping; 0 = no end.</summary>
    public long MessageCount { get; init; }

    public static SimulatedSensorOptions Read(SettingsReader env, TransportOptions transport, MessagingOptions messaging)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(messaging);
        var interval = env.Int64("SimulatedSensorIntervalMs", 0, 0, 3_600_000);
        var options = new SimulatedSensorOptions
        {
            Interval = TimeSpan.FromMilliseconds(interval),
            Input = env.String("SimulatedSensorInput") ?? "input1",
            MessageCount = env.Int64("SimulatedSensorMessageCount", 0, 0, long.MaxValue),
        };

        if (options.Enabled && transport.Inputs.Mode != TransportMode.Broker)
        {
            env.Invalid("SimulatedSensorIntervalMs", interval.ToString(CultureInfo.InvariantCulture),
                "the simulated sensor publishes to the module's input topic, which only a plain broker (MqttHost) accepts; use 0 (off) with IoT Edge");
        }

        if (env.String("SimulatedSensorInput") is { } input && !messaging.Routes.Inputs.Contains(input, StringComparer.Ordinal))
        {
            // A reading sent to an input no route reads would be refused or go nowhere.
            env.Invalid("SimulatedSensorInput", input, $"use an input the routes read ({string.Join(", ", messaging.Routes.Inputs)}; Routes='{messaging.Routes}')");
        }

        return options;
    }
}
