using System.Text;
using EdgeModule.Transport.Mqtt.Auth;
using EdgeModule.Transport.Mqtt.Native;
using Microsoft.Extensions.Logging;
using Polly;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// The connection of one <see cref="ModuleClient"/>: it owns the libmosquitto connection, the credentials (SAS token
/// source, IoT Edge trust bundle), the subscriptions and the connection status. One background loop: connect through
/// a Polly retry pipeline (exponential backoff with jitter, unbounded attempts) → CONNACK → re-subscribe every filter
/// → Connected → wait for the connection to end (or for the SAS token to need renewal, which ends it on purpose) →
/// DisconnectedRetrying → connect again. State changes are logged once each; individual attempts only at debug level.
/// A connection the <see cref="InputDispatcher"/> ended on purpose, to refuse a message, is not a failure: no status
/// change, just the refusal's backoff.
/// </summary>
internal sealed partial class ConnectionSupervisor : IDisposable
{
    private readonly ModuleClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly InputDispatcher _inputs;
    private readonly MessageCallback _route;
    private readonly Action<ConnectionStatusChangedEventArgs> _statusChanged;
    private readonly Action _inputsSubscribedCallback;
    private readonly string _inputsFilter;
    private readonly ResiliencePipeline _reconnect;
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _statusLock = new();
    private ConnectionAttempt? _attempt;
    private MosquittoConnection? _connection;
    private WorkloadApiClient? _workload;
    private SasTokenSource? _tokens;
    private string? _trustBundleFile;
    private Task? _loop;

    public ConnectionSupervisor(
        ModuleClientOptions options,
        ILogger logger,
        TimeProvider timeProvider,
        InputDispatcher inputs,
        string inputsFilter,
        MessageCallback route,
        Action<ConnectionStatusChangedEventArgs> statusChanged,
        Action inputsSubscribed)
    {
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
        _inputs = inputs;
        _inputsFilter = inputsFilter;
        _route = route;
        _statusChanged = statusChanged;
        _inputsSubscribedCallback = inputsSubscribed;
        _reconnect = BuildReconnectPipeline();
    }

    public ConnectionStatus Status { get; private set; } = ConnectionStatus.Disconnected;

    /// <summary>Whether <see cref="StartAsync"/> has run (the loop is going).</summary>
    public bool IsStarted => _loop is not null;

    /// <summary>Completes on the first Connected.</summary>
    public Task FirstConnected => _firstConnected.Task;

    /// <summary>
    /// The connection, when Connected; otherwise throws <see cref="TransportDisconnectedException"/> naming
    /// <paramref name="what"/> could not be done.
    /// </summary>
    public MosquittoConnection RequireConnected(string what)
    {
        var connection = _connection;
        return connection is not null && Status == ConnectionStatus.Connected
            ? connection
            : throw new TransportDisconnectedException($"Cannot {what}: the MQTT client {_options.EffectiveClientId} is {Status}.");
    }

    /// <summary>The connection whatever its state (null before the start), for answers that may be dropped.</summary>
    public MosquittoConnection? Connection => _connection;

    /// <summary>Once: trust bundle, token source, native object; then starts the loop (see the class remarks).</summary>
    public async Task StartAsync(CancellationToken closing, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => SuperviseAsync(closing), CancellationToken.None);
    }

    /// <summary>After the closing token was cancelled: a clean DISCONNECT, then waits for the loop to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _connection?.Disconnect();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        SetStatus(ConnectionStatus.Disabled, ConnectionStatusChangeReason.ClientClose, null);
        Log.Closed(_logger, _options.EffectiveClientId);
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _workload?.Dispose();
        if (_trustBundleFile is not null)
        {
            File.Delete(_trustBundleFile);
        }
    }

    /// <summary>Everything that must happen once before the first connect: trust bundle, token source, native object.</summary>
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var caFile = _options.CaFile;
        if (_options.Mode == TransportMode.IotEdge)
        {
            _workload = new WorkloadApiClient(_options.WorkloadUri!, _options.ModuleId, _options.ModuleGenerationId!, _options.WorkloadApiVersion!);
            string pem;
            try
            {
                pem = await _workload.GetTrustBundleAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new MqttTransportException($"The IoT Edge workload API at {_options.WorkloadUri} is unreachable: {ex.Message}", ex);
            }

            caFile ??= _trustBundleFile = WriteTrustBundle(pem);
        }

        if (_options.Mode != TransportMode.Broker)
        {
            ISasTokenSigner signer = _options.Mode == TransportMode.IotEdge
                ? _workload!
                : new SharedAccessKeySigner(Convert.FromBase64String(_options.SharedAccessKey!));
            var resource = $"{_options.IotHubHostName}/devices/{_options.DeviceId}/modules/{_options.ModuleId}";
            _tokens = new SasTokenSource(resource, signer, _timeProvider, _options.SasTokenTimeToLive);
        }

        var settings = new MosquittoSettings(
            _options.Host, _options.Port, _options.EffectiveClientId, _options.CleanSession, _options.KeepAliveSeconds,
            caFile, _options.CaPath, _options.ClientCertificateFile, _options.ClientKeyFile, _options.MaxInflightMessages,
            _options.TcpNoDelay, _options.MaxPendingInputs);
        var connection = new MosquittoConnection(settings, _logger) { MessageReceived = _route };
        connection.HeldRound = () => _inputs.CheckHeld(connection);
        connection.ConnackReceived += rc => Volatile.Read(ref _attempt)?.Connack.TrySetResult(rc);
        connection.ConnectionLost += rc =>
        {
            Volatile.Read(ref _attempt)?.Lost.TrySetResult(rc);
            ResetInputsSubscribed();
        };
        if (_options.Mode == TransportMode.Broker)
        {
            connection.SetCredentials(_options.Username, _options.Password);
        }

        _connection = connection;
    }

    private void SetStatus(ConnectionStatus status, ConnectionStatusChangeReason reason, Exception? error)
    {
        lock (_statusLock)
        {
            if (Status == status || Status == ConnectionStatus.Disabled)
            {
                return;
            }

            Status = status;
        }

        if (status == ConnectionStatus.DisconnectedRetrying)
        {
            Log.Disconnected(_logger, _options.EffectiveClientId, reason, error);
        }

        _statusChanged(new ConnectionStatusChangedEventArgs(status, reason));
    }

    private static string WriteTrustBundle(string pem)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edgemodule-trust-{Guid.NewGuid():N}.pem");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(pem));
        return path;
    }
}
