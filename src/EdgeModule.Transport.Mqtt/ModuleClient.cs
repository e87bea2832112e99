using System.Text;
using EdgeModule.Transport.Mqtt.Dialect;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// An IoT Edge module's connection, shaped like the SDK's ModuleClient: inputs, outputs, direct methods, twin. A
/// small front over four parts: the <see cref="ConnectionSupervisor"/> (connect, reconnect, subscriptions, status),
/// the <see cref="InputDispatcher"/> (input messages and their acknowledgements), the <see cref="MethodsRouter"/>
/// (direct methods by name) and the <see cref="TwinClient"/> (twin GET, reported and desired patches).
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
    private readonly IotHubTopics _topics;
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private readonly InputDispatcher _inputs;
    private readonly ConnectionSupervisor _connection;
    private readonly MethodsRouter _methods;
    private readonly TwinClient _twin;
    private volatile bool _disposed;

    public ModuleClient(ModuleClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ModuleClient>();
        _topics = new IotHubTopics(options.DeviceId, options.ModuleId);
        _inputs = new InputDispatcher(options, _topics, _logger, _closing.Token);
        _connection = new ConnectionSupervisor(
            options, _logger, timeProvider ?? TimeProvider.System, _inputs, _topics.InputsFilter, OnMessage,
            args => ConnectionStatusChanged?.Invoke(this, args),
            () => InputsSubscribed?.Invoke(this, EventArgs.Empty));
        _methods = new MethodsRouter(_logger, RespondToMethodAsync, _closing.Token);
        _twin = new TwinClient(_connection, options, _logger);

        // Twin responses are always needed; methods, inputs and desired patches are subscribed when a handler is set.
        _connection.KeepSubscribed(IotHubTopics.TwinResponseFilter, 0);
    }

    /// <summary>Raised once per state change (not per reconnect attempt), on a thread-pool thread.</summary>
    public event EventHandler<ConnectionStatusChangedEventArgs>? ConnectionStatusChanged;

    /// <summary>
    /// Raised on every connection (the first and each reconnect) once the broker confirmed the inputs subscription
    /// (SUBACK granting QoS 1), on a thread-pool thread: from then on messages published to the inputs are kept for
    /// this client. Never raised for a client without an input handler (or with <see cref="ModuleClientOptions.SubscribeToInputs"/> false).
    /// </summary>
    public event EventHandler? InputsSubscribed;

    public ConnectionStatus Status => _connection.Status;

    /// <summary>Input messages handed to the handlers and those settled (acknowledged, refused or failed).</summary>
    public InputProgress InputProgress => _inputs.Progress;

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
            if (!_connection.IsStarted)
            {
                await _connection.StartAsync(_closing.Token, cancellationToken).ConfigureAwait(false);
                _twin.Start(_closing.Token);
            }
        }
        finally
        {
            _openLock.Release();
        }

        await _connection.FirstConnected.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes once the inputs subscription of the current connection is confirmed (SUBACK granting QoS 1); while
    /// disconnected, or before an input handler is set, it waits for the next connection that confirms it.
    /// </summary>
    public Task WaitForInputsSubscribedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _connection.WaitForInputsSubscribedAsync(cancellationToken);
    }

    /// <summary>Stops accepting: disconnects cleanly (the persistent session keeps queued messages) and stops retrying.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        var desired = _twin.StopAsync();
        await _connection.StopAsync(cancellationToken).ConfigureAwait(false);
        await desired.WaitAsync(cancellationToken).ConfigureAwait(false);
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
        _connection.Dispose();
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
        return SubscribeAsync(_topics.InputsFilter, AtLeastOnce, cancellationToken);
    }

    /// <summary>Handles messages on every input without its own handler.</summary>
    public Task SetMessageHandlerAsync(Func<Message, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfInputsNotAllowed();
        _inputs.SetDefaultHandler(handler);
        return SubscribeAsync(_topics.InputsFilter, AtLeastOnce, cancellationToken);
    }

    private Task SubscribeAsync(string filter, int qos, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _connection.EnsureSubscribedAsync(filter, qos, cancellationToken);
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

    /// <summary>
    /// Routing of every incoming PUBLISH, on the network thread. Inputs go to the dispatcher (their PUBACK waits for
    /// the handler's task); methods and twin traffic are handed off so a slow handler never holds the connection.
    /// Anything malformed is logged and dropped: the broker has already delivered it, and redelivery would not fix it.
    /// </summary>
    private void OnMessage(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload)
    {
        if (topic.StartsWith(_topics.InputsPrefixUtf8))
        {
            _inputs.OnInput(_connection.Connection!, topic, payload);
            return;
        }

        var text = Encoding.UTF8.GetString(topic);
        if (text.StartsWith(IotHubTopics.MethodsPrefix, StringComparison.Ordinal))
        {
            _methods.OnRequest(text, payload.ToArray());
        }
        else if (text.StartsWith(IotHubTopics.TwinResponsePrefix, StringComparison.Ordinal))
        {
            _twin.OnResponse(text, payload.ToArray());
        }
        else if (text.StartsWith(IotHubTopics.DesiredPatchPrefix, StringComparison.Ordinal))
        {
            _twin.OnDesiredPatch(text, payload.ToArray());
        }
        else
        {
            Log.MalformedMessage(_logger, text, "not a topic of this module");
        }
    }
}
