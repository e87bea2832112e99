using System.Globalization;
using System.Text;
using EdgeModule.Transport.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule;

/// <summary>
/// A simulated temperature sensor, like IoT Edge's SimulatedTemperatureSensor sample: a JSON reading every interval,
/// published through the broker to the module's own input (the path a real producer takes), QoS 1. Off by default;
/// plain broker only. Registered last, so it stops before the inputs close.
/// </summary>
public sealed class SimulatedSensorService(
    ModuleOptions options,
    ModuleClients clients,
    TimeProvider time,
    ILogger<SimulatedSensorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sensor = options.Sensor;
        if (!sensor.Enabled)
        {
            return;
        }

        Log.SensorStarted(logger, (long)sensor.Interval.TotalMilliseconds, sensor.Input,
            sensor.MessageCount == 0 ? string.Empty : $", {sensor.MessageCount} readings");
        using var timer = new PeriodicTimer(sensor.Interval, time);
        long sent = 0;
        try
        {
            for (long n = 1; await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false); n++)
            {
                try
                {
                    await clients.Inputs.SendToInputAsync(clients.Inputs.Options.ModuleId, sensor.Input, Reading(n), stoppingToken).ConfigureAwait(false);
                    sent++;
                }
                catch (MqttTransportException ex)
                {
                    // Not connected yet, or reconnecting: a sensor just misses readings.
                    Log.SensorSendFailed(logger, n, ex.Message);
                }

                if (sensor.MessageCount > 0 && sent >= sensor.MessageCount)
                {
                    Log.SensorDone(logger, sent);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The sample's shape: machine temperature and pressure, ambient temperature and humidity, a timestamp.</summary>
    private Message Reading(long n)
    {
        var phase = n / 30.0;
        var machine = 21 + (5 * Math.Sin(phase)) + (n % 100 / 100.0);
        var json = string.Create(CultureInfo.InvariantCulture,
            $$"""{"machine":{"temperature":{{machine:F2}},"pressure":{{1 + ((machine - 21) / 10):F3}}},"ambient":{"temperature":{{20.5 + Math.Cos(phase):F2}},"humidity":{{25 + (n % 3)}}},"timeCreated":"{{time.GetUtcNow():O}}"}""");
        var message = new Message(Encoding.UTF8.GetBytes(json))
        {
            MessageId = n.ToString(CultureInfo.InvariantCulture),
            ContentType = "application/json",
            ContentEncoding = "utf-8",
            CreationTimeUtc = time.GetUtcNow(),
        };
        message.Properties["sequenceNumber"] = n.ToString(CultureInfo.InvariantCulture);
        message.Properties["source"] = "SimulatedSensor";
        return message;
    }
}
