using EdgeModule.Messaging;
using EdgeModule.Transport.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// The self-watchdog. IoT Edge ignores Docker's HEALTHCHECK and restarts a module only when it exits, so a module that
/// hangs must end itself: when a component makes no progress for <see cref="OperationsOptions.WatchdogTimeout"/>
/// while work waits for it, the watchdog logs which and why, sets exit code <see cref="ExitCode"/> and stops the
/// module (the usual stop: inputs closed, the backup at shutdown), so the runtime starts it again.
/// <list type="bullet">
/// <item>Pump: messages wait and the upstream is connected, yet nothing was acknowledged (a disconnected upstream is
/// an outage the module rides out, not a stall).</item>
/// <item>Cleanup: a message has been past its TTL for longer than a cleanup interval, yet nothing expired.</item>
/// <item>Input dispatch: messages were handed to the store's handler, yet none was settled (acknowledged, refused
/// or failed): a store write or a durable acknowledgement that never completes.</item>
/// <item>Store writes: the backend failed every write (a full disk under RocksDB, which stays failed until it is
/// reopened), yet none succeeded since.</item>
/// </list>
/// </summary>
public sealed class WatchdogService(
    ModuleOptions options,
    MessageStore messages,
    ModuleClients clients,
    ModuleExitCode exitCode,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<WatchdogService> logger) : BackgroundService
{
    /// <summary>The exit code of a stop the watchdog caused.</summary>
    public const int ExitCode = 4;

    private readonly ProgressWatch _pump = new("pump", options.Operations.WatchdogTimeout);
    private readonly ProgressWatch _cleanup = new("cleanup", options.Operations.WatchdogTimeout);
    private readonly ProgressWatch _inputs = new("input dispatch", options.Operations.WatchdogTimeout);
    private readonly ProgressWatch _writes = new("store writes", options.Operations.WatchdogTimeout);

    /// <summary>How often the watchdog looks: a quarter of the timeout, from 250 ms to 10 s.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromTicks(Math.Clamp(
        options.Operations.WatchdogTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 250, TimeSpan.TicksPerSecond * 10));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = options.Operations.WatchdogTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            OperationsLog.WatchdogOff(logger);
            return;
        }

        OperationsLog.WatchdogOn(logger, (long)timeout.TotalSeconds);
        using var timer = new PeriodicTimer(CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (Check() is { } reason)
                {
                    OperationsLog.WatchdogStall(logger, reason, ExitCode);
                    exitCode.Fail(ExitCode);
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Why the module must restart, or null while every component progresses or has nothing to do.</summary>
    private string? Check()
    {
        var now = time.GetUtcNow();
        var stats = messages.GetStats();
        var waiting = stats.Endpoints.Sum(e => e.Undelivered);
        var connected = clients.Upstream.Status == ConnectionStatus.Connected;
        if (_pump.Observe(now, stats.Forwarded, waiting > 0 && connected))
        {
            return $"the pump forwarded nothing for {_pump.StalledFor.TotalSeconds:F0} s while {waiting} messages wait and the upstream is connected";
        }

        var oldest = stats.Endpoints.Select(e => e.OldestMessageAge ?? TimeSpan.Zero).DefaultIfEmpty(TimeSpan.Zero).Max();
        var overdue = oldest > messages.TimeToLive + messages.CleanupInterval;
        if (_cleanup.Observe(now, stats.DroppedTtlExpiry, overdue))
        {
            return $"the cleanup dropped nothing for {_cleanup.StalledFor.TotalSeconds:F0} s while a message is {oldest.TotalSeconds:F0} s old, past its TTL of {messages.TimeToLive.TotalSeconds:F0} s and the cleanup interval";
        }

        if (_writes.Observe(now, stats.Received, messages.WritesFailing))
        {
            return $"the store has refused every message for {_writes.StalledFor.TotalSeconds:F0} s because its writes fail (see the warning that began it); RocksDB does not recover from a failed write while open, a restart reopens it";
        }

        var inputs = clients.Inputs.InputProgress;
        if (_inputs.Observe(now, inputs.Settled, inputs.Pending > 0))
        {
            return $"the input dispatch settled no message for {_inputs.StalledFor.TotalSeconds:F0} s while {inputs.Pending} wait for the store (the oldest is neither acknowledged nor refused)";
        }

        return null;
    }
}
