using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// One libmosquitto client object driven by its own network thread. The protocol of use:
/// <list type="number">
/// <item><see cref="Connect"/> (blocking TCP + TLS) is only called while no connection is up; it wakes the network
/// thread, which runs <c>mosquitto_loop</c> until the library reports an error.</item>
/// <item>The CONNACK comes back through <see cref="ConnackReceived"/>; the end of a connection (refused, lost, or
/// the <see cref="Disconnect"/> we asked for) through <see cref="ConnectionLost"/>, exactly once per connect, raised
/// on the network thread after it stopped calling into the library, so the next <see cref="Connect"/> is safe.</item>
/// <item>Publish and subscribe may be called from any thread (the library is told so by
/// <c>mosquitto_threaded_set</c>); their tasks complete on PUBACK/SUBACK and fail when the connection ends.</item>
/// </list>
/// The network loop itself is described in MosquittoConnection.Loop.
/// </summary>
internal sealed unsafe partial class MosquittoConnection : IDisposable
{
    private const int LoopTimeoutMs = 500;
    private const int MosqOptSendMaximum = 5;
    private const int MosqOptTcpNoDelay = 11;

    private readonly MosquittoSettings _settings;
    private readonly MosquittoHandle _handle;
    private readonly ILogger _logger;
    private readonly Thread _loopThread;
    private readonly ManualResetEventSlim _socketActive = new(false);
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<int, TaskCompletionSource> _pending = [];
    private readonly Dictionary<int, (string Filter, int Qos)> _subscriptionsAsked = [];
    private GCHandle _self;
    private int _connectionUp;
    private volatile bool _disposed;

    public MosquittoConnection(MosquittoSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _self = GCHandle.Alloc(this);
        try
        {
            _wakeUp = CreateWakeUp();
            _handle = MosquittoHandle.Create(settings.ClientId, settings.CleanSession, GCHandle.ToIntPtr(_self));
            Configure();
        }
        catch
        {
            _handle?.Dispose();
            _wakeUp?.Dispose();
            _self.Free();
            throw;
        }

        _loopThread = new Thread(RunLoop) { IsBackground = true, Name = $"mqtt-{settings.ClientId}" };
        _loopThread.Start();
    }

    /// <summary>CONNACK return code (0 = accepted), raised on the network thread.</summary>
    public event Action<int>? ConnackReceived;

    /// <summary>The connection ended (MOSQ_ERR_* code, 0 when we disconnected), raised on the network thread.</summary>
    public event Action<int>? ConnectionLost;

    /// <summary>Set before connecting; invoked on the network thread for every PUBLISH.</summary>
    public MessageCallback? MessageReceived { get; set; }

    public bool IsUp => Volatile.Read(ref _connectionUp) == 1;

    public void SetCredentials(string? username, string? password)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        MqttTransportException.ThrowIfError(
            NativeMethods.mosquitto_username_pw_set(_handle, username, password), "mosquitto_username_pw_set");
    }

    /// <summary>Opens the socket and sends CONNECT; throws on DNS, TCP or TLS failure.</summary>
    public void Connect()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_socketActive.IsSet)
        {
            throw new InvalidOperationException("A connection is already up; wait for ConnectionLost first.");
        }

        StartGeneration();
        var rc = NativeMethods.mosquitto_connect(_handle, _settings.Host, _settings.Port, _settings.KeepAliveSeconds);
        if (rc != 0)
        {
            throw new MqttTransportException(
                $"Connecting to {_settings.Host}:{_settings.Port} failed: {NativeMethods.ErrorText(rc)}.", rc);
        }

        Volatile.Write(ref _connectionUp, 1);
        _socketActive.Set();
    }

    /// <summary>
    /// Asks for a clean DISCONNECT; <see cref="ConnectionLost"/> follows from the network thread. On an accepted
    /// connection the network thread queues it itself, between reads, and reads nothing after it: every message
    /// handled before has its PUBACK ahead of the DISCONNECT, and a message still unread is not handled (the broker
    /// sends it again on the session). Queued from this thread instead, a message handled in the meantime would be
    /// stored with its PUBACK behind the DISCONNECT, never written, and stored a second time after the restart.
    /// </summary>
    public void Disconnect()
    {
        if (!_disposed && IsUp)
        {
            if (_accepted)
            {
                _disconnectRequested = true;
            }
            else
            {
                _ = NativeMethods.mosquitto_disconnect(_handle);
            }

            WakeLoop();
        }
    }

    /// <summary>
    /// Ends the connection at once, without DISCONNECT and without writing anything still queued: only from the
    /// network thread (inside a callback), where libmosquitto has queued but, in threaded mode, not yet written the
    /// PUBACK of the message being handled. The next write and read fail, <c>mosquitto_loop</c> returns an error and
    /// <see cref="ConnectionLost"/> follows as for any lost connection; reconnecting discards the queued packets.
    /// </summary>
    public void AbortFromNetworkThread()
    {
        if (Thread.CurrentThread != _loopThread)
        {
            throw new InvalidOperationException("Abort only from the network thread: elsewhere the PUBACK may already be on the wire (see RequestAbort).");
        }

        var socket = NativeMethods.mosquitto_socket(_handle);
        if (socket >= 0 && LibcMethods.Shutdown(socket, LibcMethods.ShutReadWrite) != 0)
        {
            throw new MqttTransportException($"shutdown() of the MQTT socket failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>Queues a PUBLISH. QoS 0 completes when queued; QoS 1 when the broker's PUBACK arrives.</summary>
    public Task PublishAsync(string topic, ReadOnlySpan<byte> payload, int qos)
    {
        var utf8 = new byte[Encoding.UTF8.GetByteCount(topic) + 1];
        Encoding.UTF8.GetBytes(topic, utf8);
        return PublishAsync(utf8, payload, qos);
    }

    /// <summary>As above, with the topic as NUL-terminated UTF-8 (the library copies it, and the payload, at once).</summary>
    public Task PublishAsync(ReadOnlySpan<byte> topicTerminated, ReadOnlySpan<byte> payload, int qos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsUp)
        {
            return Task.FromException(new TransportDisconnectedException());
        }

        // Completed in order by the drain (MosquittoConnection.Completions), which runs the continuations inline.
        var completion = qos == 0 ? null : new TaskCompletionSource();
        int rc;
        fixed (byte* topic = topicTerminated)
        fixed (byte* data = payload)
        {
            // Held across the call so the PUBACK (network thread) cannot be resolved before the id is stored.
            lock (_pendingLock)
            {
                rc = NativeMethods.mosquitto_publish_utf8(_handle, out var messageId, topic, payload.Length, data, qos, false);
                if (rc == 0 && completion is not null)
                {
                    _pending[messageId] = completion;
                }
            }
        }

        WakeLoop();

        if (rc != 0)
        {
            return Task.FromException(rc == MosqErrNoConn
                ? new TransportDisconnectedException($"Publish failed: {NativeMethods.ErrorText(rc)}.")
                : new MqttTransportException($"Publish to '{Encoding.UTF8.GetString(topicTerminated[..^1])}' failed: {NativeMethods.ErrorText(rc)}.", rc));
        }

        return completion?.Task ?? Task.CompletedTask;
    }

    /// <summary>
    /// Sends SUBSCRIBE; completes on SUBACK, and fails if the broker refuses the filter or grants a lower QoS than
    /// asked (a QoS 0 grant would let the broker drop what the client has not acknowledged).
    /// </summary>
    public Task SubscribeAsync(string pattern, int qos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsUp)
        {
            return Task.FromException(new TransportDisconnectedException());
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int rc;
        lock (_pendingLock)
        {
            rc = NativeMethods.mosquitto_subscribe(_handle, out var messageId, pattern, qos);
            if (rc == 0)
            {
                _pending[messageId] = completion;
                _subscriptionsAsked[messageId] = (pattern, qos);
            }
        }

        WakeLoop();
        return rc == 0
            ? completion.Task
            : Task.FromException(new MqttTransportException($"Subscribe to '{pattern}' failed: {NativeMethods.ErrorText(rc)}.", rc));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Disconnect();
        _disposed = true;
        _socketActive.Set();
        WakeLoop();

        // The loop returns within LoopTimeoutMs; only then is it safe to destroy the native object.
        if (Thread.CurrentThread != _loopThread)
        {
            _loopThread.Join(TimeSpan.FromSeconds(10));
        }

        FailPending(new ObjectDisposedException(nameof(MosquittoConnection)));
        _handle.Dispose();
        _wakeUp.Dispose();
        _self.Free();
        _socketActive.Dispose();
    }

    private void Configure()
    {
        MqttTransportException.ThrowIfError(NativeMethods.mosquitto_threaded_set(_handle, true), "mosquitto_threaded_set");
        MqttTransportException.ThrowIfError(
            NativeMethods.mosquitto_int_option(_handle, MosqOptSendMaximum, _settings.MaxInflightMessages), "MOSQ_OPT_SEND_MAXIMUM");
        // See ModuleClientOptions.TcpNoDelay: Nagle stays on unless asked, it coalesces a burst's PUBACKs.
        MqttTransportException.ThrowIfError(
            NativeMethods.mosquitto_int_option(_handle, MosqOptTcpNoDelay, _settings.TcpNoDelay ? 1 : 0), "MOSQ_OPT_TCP_NODELAY");
        if (_settings.CaFile is not null || _settings.CaPath is not null || _settings.CertFile is not null)
        {
            MqttTransportException.ThrowIfError(
                NativeMethods.mosquitto_tls_set(_handle, _settings.CaFile, _settings.CaPath, _settings.CertFile, _settings.KeyFile, 0),
                "mosquitto_tls_set");
        }

        NativeMethods.mosquitto_connect_callback_set(_handle, &OnConnect);
        NativeMethods.mosquitto_disconnect_callback_set(_handle, &OnDisconnect);
        NativeMethods.mosquitto_publish_callback_set(_handle, &OnPublish);
        NativeMethods.mosquitto_subscribe_callback_set(_handle, &OnSubscribe);
        NativeMethods.mosquitto_message_callback_set(_handle, &OnMessage);
    }

    private void SignalLost(int rc)
    {
        if (Interlocked.Exchange(ref _connectionUp, 0) == 0)
        {
            return;
        }

        FailPending(new TransportDisconnectedException($"The connection ended before the broker acknowledged ({NativeMethods.ErrorText(rc)})."));
        Raise(ConnectionLost, rc);
    }

    private void Raise(Action<int>? handler, int value)
    {
        try
        {
            handler?.Invoke(value);
        }
        catch (Exception ex)
        {
            Log.CallbackFailed(_logger, _settings.ClientId, ex);
        }
    }
}
