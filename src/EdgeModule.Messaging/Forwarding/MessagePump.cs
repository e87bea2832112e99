using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace EdgeModule.Messaging.Forwarding;

/// <summary>
/// Forwards every endpoint queue of a <see cref="MessageStore"/> to an <see cref="IMessageSender"/>, in order, in
/// batches, at least once.
/// </summary>
/// <remarks>
/// One loop per endpoint, independent of the others (a down upstream for one endpoint does not hold back another):
/// <list type="number">
/// <item>Read a batch after the checkpoint (<see cref="MessageStore.ReadBatch"/>). Nothing there: wait for the store's
/// new-message signal (no polling), then read again.</item>
/// <item>Send it. On failure, send the same batch again after an exponential, jittered delay (Polly), for as long as
/// it takes: nothing behind it is sent first, so nothing is lost or reordered. Messages whose TTL passes while the
/// upstream is down are dropped from the held batch before the next attempt (order of the rest unchanged). The first
/// failure logs "upstream down" once; the first success after failures logs "upstream up"; attempts in between log
/// at Debug only.</item>
/// <item>Only after the sender completed, write the checkpoint (<see cref="MessageStore.Acknowledge"/>).</item>
/// </list>
/// Stopping, in two phases, so that a clean stop sends nothing twice while the upstream answers:
/// <list type="number">
/// <item><see cref="StopAsync"/> first stops taking: no new batch is read or sent, waits for messages and retry
/// delays end at once. A send already in flight keeps running; when the upstream acknowledges it within the grace,
/// its checkpoint is written as usual.</item>
/// <item>When the grace ends (or its token is cancelled), the pump aborts: the send in flight is cancelled and its
/// batch stays unacknowledged, to be sent again after the restart (a duplicate, never a loss), and logged (3017).</item>
/// </list>
/// Cancelling the token given to <see cref="RunAsync"/> aborts at once (phase 2 without phase 1). Either way
/// <see cref="RunAsync"/> then completes without throwing. Stop the pump before backing up or disposing the store;
/// dispose the pump after <see cref="RunAsync"/> completed.
/// </remarks>
public sealed partial class MessagePump : IDisposable
{
    private readonly MessageStore _store;
    private readonly IMessageSender _sender;
    private readonly MessagePumpOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopTaking = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _lock = new();
    private Task? _running;
    private int _abandonedBatches;
    private bool _disposed;

    /// <summary>
    /// Creates the pump; <paramref name="timeProvider"/> is the clock of retry delays and of the stop's grace
    /// (default: the system clock).
    /// </summary>
    public MessagePump(MessageStore store, IMessageSender sender, MessagePumpOptions? options = null,
        TimeProvider? timeProvider = null, ILogger<MessagePump>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sender);
        _store = store;
        _sender = sender;
        _options = options ?? new MessagePumpOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Pumps every endpoint until <see cref="StopAsync"/> stops it or <paramref name="cancellationToken"/> is
    /// cancelled (abort at once: a batch in flight is sent again after the restart); then completes normally. Runs
    /// once per pump.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_running is not null)
            {
                throw new InvalidOperationException("The pump is already running; RunAsync runs once per pump.");
            }

            return _running = RunCoreAsync(cancellationToken);
        }
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        using var stopTaking = CancellationTokenSource.CreateLinkedTokenSource(abort.Token, _stopTaking.Token);
        Log.PumpStarted(_logger, string.Join(',', _store.Endpoints), _options.BatchSize);
        await Task.WhenAll(_store.Endpoints.Select(e => Task.Run(() => PumpEndpointAsync(e, stopTaking.Token, abort.Token), CancellationToken.None)))
            .ConfigureAwait(false);
    }

    private async Task PumpEndpointAsync(string endpoint, CancellationToken stopTaking, CancellationToken abort)
    {
        var state = new Upstream(endpoint);
        var sendPipeline = BuildPipeline(args => Log.SendRetry(_logger, endpoint, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception));
        var storePipeline = BuildPipeline(args => Log.PumpStoreFailed(_logger, endpoint, "reading or writing the checkpoint", args.Outcome.Exception!));
        MessageBatch? inFlight = null;
        try
        {
            while (true)
            {
                stopTaking.ThrowIfCancellationRequested();
                var batch = await storePipeline.ExecuteAsync(
                    static (s, _) => ValueTask.FromResult(s.Store.ReadBatch(s.Endpoint, s.Size, s.Bytes)), (Store: _store, Endpoint: endpoint, Size: _options.BatchSize, Bytes: _options.MaxBatchBytes), stopTaking)
                    .ConfigureAwait(false);
                if (batch.IsEmpty)
                {
                    await _store.WaitForMessagesAsync(endpoint, stopTaking).ConfigureAwait(false);
                    continue;
                }

                stopTaking.ThrowIfCancellationRequested();
                inFlight = batch;
                if (batch.Messages.Count > 0)
                {
                    // The pipeline (its retry delays) ends when the stop is asked; the attempt in flight gets the abort
                    // token, so the upstream's acknowledgements still count until the grace ends.
                    await sendPipeline.ExecuteAsync(
                        static (s, _) => s.Pump.SendOnceAsync(s.State, s.Batch, s.Abort), (Pump: this, State: state, Batch: batch, Abort: abort), stopTaking)
                        .ConfigureAwait(false);
                }

                // The upstream has the batch: record it even if a stop was requested meanwhile (that is what a stop
                // commits). Only when the store fails does the retry honour the abort.
                try
                {
                    _store.Acknowledge(batch);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.PumpStoreFailed(_logger, endpoint, "writing the checkpoint", ex);
                    await storePipeline.ExecuteAsync(
                        static (s, _) =>
                        {
                            s.Store.Acknowledge(s.Batch);
                            return ValueTask.CompletedTask;
                        }, (Store: _store, Batch: batch), abort).ConfigureAwait(false);
                }

                inFlight = null;
                if (state.Failures > 0)
                {
                    Log.UpstreamUp(_logger, endpoint, state.Failures, _time.GetUtcNow() - state.DownSince);
                    state.Failures = 0;
                }
            }
        }
        catch (OperationCanceledException) when (stopTaking.IsCancellationRequested)
        {
            if (inFlight is { Messages.Count: > 0 })
            {
                Interlocked.Increment(ref _abandonedBatches);
                Log.BatchAbandoned(_logger, endpoint, inFlight.Messages.Count, inFlight.PreviousCheckpoint + 1, inFlight.LastSequence);
            }

            var stats = _store.GetStats().Endpoints.First(e => e.Endpoint == endpoint);
            Log.PumpStopped(_logger, endpoint, stats.Checkpoint, stats.Undelivered);
        }
    }

    /// <summary>One attempt. On a retry, messages that expired while the upstream was down are left out (in order).</summary>
    private async ValueTask SendOnceAsync(Upstream state, MessageBatch batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredMessage> messages = batch.Messages;
        if (state.Failures > 0)
        {
            var kept = new List<StoredMessage>(messages.Count);
            var expired = new List<long>();
            foreach (var message in batch.Messages)
            {
                if (_store.IsExpired(message.EnqueuedTimeUtc))
                {
                    expired.Add(message.Sequence);
                }
                else
                {
                    kept.Add(message);
                }
            }

            // Counted as expired, not forwarded, when the batch is acknowledged.
            (messages, batch.ExpiredWhileHeld) = (kept, expired);
            if (messages.Count < batch.Messages.Count)
            {
                Log.ExpiredBeforeForwarding(_logger, state.Endpoint, batch.Messages.Count - messages.Count, _store.TimeToLive);
            }

            if (messages.Count == 0)
            {
                return;
            }
        }

        try
        {
            await _sender.SendAsync(state.Endpoint, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (state.Failures++ == 0)
            {
                state.DownSince = _time.GetUtcNow();
                Log.UpstreamDown(_logger, state.Endpoint, messages.Count, messages[0].Sequence, ex);
            }

            throw;
        }
    }

    /// <summary>Retries forever (the upstream may be away for hours) unless the pump is stopping.</summary>
    private ResiliencePipeline BuildPipeline(Action<OnRetryArguments<object>> onRetry) =>
        new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                // A cancelled stop ends the loop; a disposed store or transport never comes back, so it ends it too.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    null or ObjectDisposedException => false,
                    OperationCanceledException => !args.Context.CancellationToken.IsCancellationRequested,
                    _ => true,
                }),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryMinDelay,
                MaxDelay = _options.RetryMaxDelay,

                // A sender that waited for a connection in vain paces itself: no growing backoff on top of it.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Outcome.Exception is UpstreamUnavailableException ? _options.RetryMinDelay : null),
                OnRetry = args =>
                {
                    onRetry(args);
                    return default;
                },
            })
            .Build();

    /// <summary>The state of one endpoint's upstream, owned by its loop.</summary>
    private sealed class Upstream(string endpoint)
    {
        public string Endpoint { get; } = endpoint;

        public int Failures { get; set; }

        public DateTimeOffset DownSince { get; set; }
    }
}
