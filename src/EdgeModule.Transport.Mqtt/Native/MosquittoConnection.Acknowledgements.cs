namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// Held acknowledgements: how the PUBACK of a received message waits for an asynchronous "stored" signal without
/// stopping the reception of the next messages.
/// <para>The constraint: libmosquitto 2.0 queues the PUBACK of a QoS 1 message before calling on_message, and
/// <c>mosquitto_loop_write</c> writes its whole queue (PUBACKs, our publishes, pings) in order; one packet cannot be
/// held back alone. So the gate is on the whole queue: while any held acknowledgement of this connection is
/// outstanding, the network thread writes nothing. It keeps reading (the message callbacks start the next handlers)
/// until <see cref="MosquittoSettings.MaxHeldAcknowledgements"/> are held, or until one of them is released while
/// others remain (the group the store just made durable): then it stops reading so that the rest drain, writes
/// every queued PUBACK at once, in arrival order, and reads again. The broker's own in-flight window
/// (mosquitto's max_inflight_messages) bounds the count too.</para>
/// <para>A held acknowledgement that must not be sent (a rejection, a failure, a timeout) is never released: the gate
/// stays shut, <see cref="RequestAbort"/> asks the network thread to shut the socket, and the queued PUBACKs (of it
/// and of every message after it, and of earlier ones still held) are discarded by the next connect; the broker
/// redelivers them all, in order. The count and the connection's generation share one 64-bit word, so a release
/// from a task of an earlier connection never touches the count of the current one.</para>
/// </summary>
internal sealed partial class MosquittoConnection
{
    private long _held;
    private int _generation;
    private volatile int _abortGeneration;
    private volatile bool _draining;

    /// <summary>The current connection's number: bumped by every <see cref="Connect"/>.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// True on the network thread inside a message callback of an accepted connection, where a PUBACK can be held.
    /// Before the CONNACK is handled the library's own loop runs and writes its queue itself: there a handler must be
    /// waited for synchronously.
    /// </summary>
    public bool CanHoldAcknowledgements => _accepted && Thread.CurrentThread == _loopThread;

    /// <summary>Acknowledgements held now on the current connection.</summary>
    internal int HeldCount => (int)Volatile.Read(ref _held);

    /// <summary>
    /// Network thread, inside the message callback: the PUBACK libmosquitto just queued stays unwritten until the
    /// returned hold is released.
    /// </summary>
    public HeldAcknowledgement Hold()
    {
        if (!CanHoldAcknowledgements)
        {
            throw new InvalidOperationException("Acknowledgements can only be held inside a message callback of an accepted connection.");
        }

        Interlocked.Increment(ref _held);
        return new HeldAcknowledgement(this, Generation);
    }

    /// <summary>Any thread: the held PUBACK may leave (once every other held one of the connection may too).</summary>
    internal void Release(int generation)
    {
        while (true)
        {
            var current = Volatile.Read(ref _held);
            if ((int)(current >> 32) != generation || (int)current == 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _held, current - 1, current) == current)
            {
                if ((int)current > 1)
                {
                    // A group was made durable while later messages wait: stop reading so that they drain.
                    _draining = true;
                }

                WakeLoop();
                return;
            }
        }
    }

    /// <summary>Any thread: end connection <paramref name="generation"/> without writing its queue (see the remarks).</summary>
    internal void RequestAbort(int generation)
    {
        _abortGeneration = generation;
        WakeLoop();
    }

    /// <summary>On every <see cref="Connect"/>, while no connection is up: a new generation with nothing held.</summary>
    private void StartGeneration()
    {
        var generation = Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _held, (long)generation << 32);
        _draining = false;
    }

    /// <summary>Network thread: whether the queue may be written now (nothing held).</summary>
    private bool MayWrite => HeldCount == 0;

    /// <summary>Network thread: whether to read (and so start more handlers) now.</summary>
    private bool MayRead
    {
        get
        {
            var held = HeldCount;
            return held == 0 || (held < _settings.MaxHeldAcknowledgements && !_draining);
        }
    }

    /// <summary>Set before connecting; called on the network thread at the start of each round while acknowledgements are held.</summary>
    public Action? HeldRound { get; set; }

    /// <summary>
    /// Network thread, at the start of a round: lets the owner look at its held acknowledgements (timeouts), then
    /// shuts the socket if one of them was refused.
    /// </summary>
    private void StartRound()
    {
        if (HeldCount > 0)
        {
            try
            {
                HeldRound?.Invoke();
            }
#pragma warning disable CA1031 // The network thread must survive its owner's failure; the failure is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.CallbackFailed(_logger, _settings.ClientId, ex);
            }
        }

        if (_abortGeneration == Generation && _abortGeneration != 0)
        {
            _abortGeneration = 0;
            AbortFromNetworkThread();
        }
    }

    /// <summary>Network thread, after a write with nothing held: reading may go on.</summary>
    private void WroteQueue() => _draining = false;
}
