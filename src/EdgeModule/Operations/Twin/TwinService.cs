using System.Text.Json.Nodes;
using EdgeModule.Transport.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations.Twin;

/// <summary>
/// The module twin on the inputs connection: subscribes to desired patches, then reads the whole twin (at start and
/// after every reconnection, since patches sent while disconnected are not replayed) and applies it through
/// <see cref="TwinConfiguration"/>; each patch is applied as it comes. Acknowledgements and the <c>moduleState</c>
/// reported property go out from one loop: at once after a change, and the state every
/// <see cref="StateCheckInterval"/> when it differs from what was last reported. A report that fails is merged into
/// the next one. The environment's values stay in effect while the twin cannot be read.
/// </summary>
public sealed class TwinService(
    TwinConfiguration configuration, StoreStatus status, ModuleClients clients, TimeProvider time, ILogger<TwinService> logger)
    : BackgroundService
{
    /// <summary>How often the loop compares the module's state with what it last reported.</summary>
    public static readonly TimeSpan StateCheckInterval = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private JsonObject _pending = [];
    private TaskCompletionSource _wake = NewSignal();
    private bool _fetchTwin = true;
    private string? _lastState;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        clients.Inputs.ConnectionStatusChanged += OnConnectionStatus;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        clients.Inputs.ConnectionStatusChanged -= OnConnectionStatus;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await clients.Inputs.SetDesiredPropertiesHandlerAsync(OnPatchAsync, stoppingToken).ConfigureAwait(false);
            var retry = FirstRetry;
            var nextStateCheck = time.GetUtcNow();
            while (!stoppingToken.IsCancellationRequested)
            {
                Task wake;
                lock (_lock)
                {
                    if (_wake.Task.IsCompleted)
                    {
                        _wake = NewSignal();
                    }

                    wake = _wake.Task;
                }

                var wait = StateCheckInterval;
                if (Volatile.Read(ref _fetchTwin))
                {
                    if (await TryApplyTwinAsync(retry, stoppingToken).ConfigureAwait(false))
                    {
                        retry = FirstRetry;
                    }
                    else
                    {
                        wait = retry;
                        retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
                    }
                }

                if (time.GetUtcNow() >= nextStateCheck)
                {
                    AddStateIfChanged();
                    nextStateCheck = time.GetUtcNow() + StateCheckInterval;
                }

                await TryReportAsync(stoppingToken).ConfigureAwait(false);
                using var turn = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(wake, Task.Delay(wait, time, turn.Token)).ConfigureAwait(false);
                await turn.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<bool> TryApplyTwinAsync(TimeSpan retry, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _fetchTwin, false);
        Transport.Mqtt.Twin twin;
        try
        {
            twin = await clients.Inputs.GetTwinAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttTransportException or TimeoutException)
        {
            Volatile.Write(ref _fetchTwin, true);
            TwinLog.GetFailed(logger, ex.Message, retry.TotalSeconds);
            return false;
        }

        var reported = configuration.ApplyFull(twin.Desired, twin.DesiredVersion);
        Merge(reported);
        TwinLog.Ready(logger, twin.DesiredVersion, configuration.Describe());
        AddStateIfChanged();
        return true;
    }

    private Task OnPatchAsync(DesiredPropertiesPatch patch, CancellationToken cancellationToken)
    {
        Merge(configuration.ApplyPatch(patch.Properties, patch.Version));
        AddStateIfChanged();
        Wake();
        return Task.CompletedTask;
    }

    private void OnConnectionStatus(object? sender, ConnectionStatusChangedEventArgs e)
    {
        if (e.Status == ConnectionStatus.Connected)
        {
            Volatile.Write(ref _fetchTwin, true);
            Wake();
        }
    }

    private void AddStateIfChanged()
    {
        var state = status.DescribeForTwin();
        var text = state.ToJsonString();
        lock (_lock)
        {
            if (text == _lastState)
            {
                return;
            }

            _lastState = text;
            _pending["moduleState"] = state;
        }
    }

    private async Task TryReportAsync(CancellationToken cancellationToken)
    {
        JsonObject patch;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            (patch, _pending) = (_pending, []);
        }

        try
        {
            await clients.Inputs.UpdateReportedPropertiesAsync(patch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttTransportException or TimeoutException)
        {
            TwinLog.ReportFailed(logger, ex.Message);
            Merge(patch, keepNewer: true);
        }
    }

    /// <summary>Adds <paramref name="reported"/> to the next report; with <paramref name="keepNewer"/> an entry already there wins.</summary>
    private void Merge(JsonObject reported, bool keepNewer = false)
    {
        lock (_lock)
        {
            foreach (var (name, value) in reported.ToArray())
            {
                reported.Remove(name);
                if (!keepNewer || !_pending.ContainsKey(name))
                {
                    _pending[name] = value;
                }
            }
        }
    }

    private void Wake()
    {
        lock (_lock)
        {
            _wake.TrySetResult();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
