using System.Collections.Concurrent;
using System.Text;
using EdgeModule.Transport.Mqtt.Auth;
using EdgeModule.Transport.Mqtt.Dialect;
using EdgeModule.Transport.Mqtt.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// An IoT Edge module's connection, shaped like the SDK's ModuleClient: inputs, outputs, direct methods, twin.
/// <para>Delivery contract. Outputs: <see cref="SendEventAsync(string, Message, CancellationToken)"/> completes when
/// the broker's PUBACK arrives and fails fast with <see cref="TransportDisconnectedException"/> while disconnected
/// (also for sends in flight when the connection drops), so the caller's store keeps the message. Inputs: a handler
/// is called on the network thread in arrival order, and the QoS 1 PUBACK leaves only once the task it returned has
/// completed successfully, in arrival order, while later messages are handled meanwhile (see
/// <see cref="InputDispatcher"/>); a handler must therefore not await sends on the same client (that would deadlock,
/// and is refused with <see cref="InvalidOperationException"/>).</para>
/// </summary>
public sealed partial class ModuleClient : IAsyncDisposable
{
    private const int AtLeastOnce = 1;

    private readonly ModuleClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly IotHubTopics _topics;
    private readonly ResiliencePipeline _reconnect;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _firstConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _subscriptions = new(StringComparer.Ordinal);
    private readonly InputDispatcher _inputs;
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private MosquittoConnection? _connection;
    private WorkloadApiClient? _workload;
    private SasTokenSource? _tokens;
    private string? _trustBundleFile;
    private Task? _supervisor;
    private Task? _desiredPump;
    private volatile bool _disposed;

    public ModuleClient(ModuleClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ModuleClient>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _topics = new IotHubTopics(options.DeviceId, options.ModuleId);
        _reconnect = BuildReconnectPipeline();
        _inputs = new InputDispatcher(options, _topics, _logger, _closing.Token);

        // Twin responses are always needed; methods, inputs and desired patches are subscribed when a handler is set.
        _subscriptions[IotHubTopics.TwinResponseFilter] = 0;
    }

    /// <summary>Raised once per state change (not per reconnect attempt), on a thread-pool thread.</summary>
    public event EventHandler<ConnectionStatusChangedEventArgs>? ConnectionStatusChanged;

    /// <summary>
    /// Raised on every connection (the first and each reconnect) once the broker confirmed the inputs subscription
    /// (SUBACK granting QoS 1), on a thread-pool thread: from then on messages published to the inputs are kept for
    /// this client. Never raised for a client without an input handler (or with <see cref="ModuleClientOptions.SubscribeToInputs"/> false).
    /// </summary>
    public event EventHandler? InputsSubscribed;

    public ConnectionStatus Status { get; private set; } = ConnectionStatus.Disconnected;

    public ModuleClientOptions Options => _options;

    /// <summary>Builds a client from the environment (see <see cref="ModuleClientOptions.FromEnvironment(string)"/>).</summary>
    public static ModuleClient CreateFromEnvironment(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        new(ModuleClientOptions.FromEnvironment(), loggerFactory, timeProvider);

    /// <summary>
    /// Starts connecting and returns once connected and subscribed. While the broker is down it keeps retrying with
    /// backoff; cancelling <paramref name="cancellationToken"/> stops the wait, not the retries (close to stop).
    /// Setup errors (workload API unreachable, bad trust bundle) are thrown, never retried silently.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_supervisor is null)
            {
                await PrepareAsync(cancellationToken).ConfigureAwait(false);
                _supervisor = Task.Run(() => SuperviseAsync(_closing.Token), CancellationToken.None);
                _desiredPump = Task.Run(() => PumpDesiredPatchesAsync(_closing.Token), CancellationToken.None);
            }
        }
        finally
        {
            _openLock.Release();
        }

        await _firstConnected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes once the inputs subscription of the current connection is confirmed (SUBACK granting QoS 1); while
    /// disconnected, or before an input handler is set, it waits for the next connection that confirms it.
    /// </summary>
    public Task WaitForInputsSubscribedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Task subscribed;
        lock (_statusLock)
        {
            subscribed = _inputsSubscribed.Task;
        }

        return subscribed.WaitAsync(cancellationToken);
    }

    /// <summary>Stops accepting: disconnects cleanly (the persistent session keeps queued messages) and stops retrying.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        _desiredPatches.Writer.TryComplete();
        _connection?.Disconnect();
        var background = new[] { _supervisor, _desiredPump }.OfType<Task>().ToArray();
        await Task.WhenAll(background).WaitAsync(cancellationToken).ConfigureAwait(false);
        SetStatus(ConnectionStatus.Disabled, ConnectionStatusChangeReason.ClientClose, null);
        Log.Closed(_logger, _options.EffectiveClientId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await CloseAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The network thread is joined below with its own bound.
            }
        }

        _disposed = true;
        _connection?.Dispose();
        _workload?.Dispose();
        if (_trustBundleFile is not null)
        {
            File.Delete(_trustBundleFile);
        }

        _closing.Dispose();
        _openLock.Dispose();
    }

    /// <summary>Handles messages sent to input <paramref name="inputName"/>; see the class remarks for the ack rule.</summary>
    public Task SetInputMessageHandlerAsync(string inputName, Func<Message, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfInputsNotAllowed();
        _inputs.SetHandler(inputName, handler);
        return EnsureSubscribedAsync(_topics.InputsFilter, AtLeastOnce, cancellationToken);
    }

    /// <summary>Handles messages on every input without its own handler.</summary>
    public Task SetMessageHandlerAsync(Func<Message, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfInputsNotAllowed();
        _inputs.SetDefaultHandler(handler);
        return EnsureSubscribedAsync(_topics.InputsFilter, AtLeastOnce, cancellationToken);
    }

    /// <summary>Sends to output <paramref name="outputName"/> (<c>$.on</c>); completes on the broker's PUBACK.</summary>
    public Task SendEventAsync(string outputName, Message message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        return SendCoreAsync(outputName, message, cancellationToken);
    }

    /// <summary>Sends device-to-cloud telemetry (no output name); completes on the broker's PUBACK.</summary>
    public Task SendEventAsync(Message message, CancellationToken cancellationToken) =>
        SendCoreAsync(null, message, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="message"/> straight to input <paramref name="inputName"/> of module
    /// <paramref name="targetModuleId"/> on the same device (<c>devices/{d}/modules/{target}/inputs/{input}/{bag}</c>),
    /// playing edgeHub's routing on a plain broker: for standalone runs (a simulated sensor), tests and benchmarks.
    /// edgeHub itself does not accept publishes to an input topic. Completes on the broker's PUBACK.
    /// </summary>
    public Task SendToInputAsync(string targetModuleId, string inputName, Message message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetModuleId);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        var prefix = new IotHubTopics(_options.DeviceId, targetModuleId).InputsPrefix + inputName + "/";
        return SendCoreAsync(Encoding.UTF8.GetBytes(prefix), null, message, cancellationToken);
    }

    private Task SendCoreAsync(string? outputName, Message message, CancellationToken cancellationToken) =>
        SendCoreAsync(_topics.EventsPrefixUtf8, outputName, message, cancellationToken);

    private Task SendCoreAsync(ReadOnlySpan<byte> topicPrefix, string? outputName, Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfInsideInputHandler();

        // The topic is built as UTF-8 straight into this buffer and handed to libmosquitto, which copies it.
        var topic = new TopicWriter(stackalloc byte[512]);
        try
        {
            topic.AppendPrefix(topicPrefix);
            MessageCodec.WriteBag(ref topic, message, outputName);
            var size = message.Body.Length + topic.BagLength;
            if (size > _options.MaxMessageSize)
            {
                return Task.FromException(new MessageTooLargeException(size, _options.MaxMessageSize));
            }

            var connection = _connection;
            if (connection is null || Status != ConnectionStatus.Connected)
            {
                return Task.FromException(new TransportDisconnectedException(
                    $"Cannot send: the MQTT client {_options.EffectiveClientId} is {Status}."));
            }

            var acknowledged = connection.PublishAsync(topic.Terminated(), message.Body.Span, AtLeastOnce);
            return cancellationToken.CanBeCanceled ? acknowledged.WaitAsync(cancellationToken) : acknowledged;
        }
        finally
        {
            topic.Dispose();
        }
    }

    private void ThrowIfInputsNotAllowed()
    {
        if (!_options.SubscribeToInputs)
        {
            throw new InvalidOperationException(
                $"The MQTT client {_options.EffectiveClientId} is configured not to subscribe to inputs (SubscribeToInputs is false).");
        }
    }

    private void ThrowIfInsideInputHandler()
    {
        if (_inputs.IsInsideHandler)
        {
            throw new InvalidOperationException(
                "An input handler cannot await operations on its own client: the network thread waits for the handler.");
        }
    }

    private async Task EnsureSubscribedAsync(string filter, int qos, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_subscriptions.TryAdd(filter, qos) || _connection is not { IsUp: true } connection)
        {
            return;
        }

        var attempt = Volatile.Read(ref _attempt);
        try
        {
            await connection.SubscribeAsync(filter, qos).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            if (attempt is not null && filter == _topics.InputsFilter)
            {
                ConfirmInputsSubscribed(attempt);
            }
        }
        catch (TransportDisconnectedException)
        {
            // Subscribed again with all the others after the reconnect.
        }
    }
}
