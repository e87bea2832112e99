using System.Globalization;
using EdgeModule.Transport.Mqtt.Auth;
using EdgeModule.Transport.Mqtt.Native;
using Polly;
using Polly.Retry;

namespace EdgeModule.Transport.Mqtt;

/// <summary>The supervision loop: connect, re-subscribe, wait for the end, back off, again (see the class remarks).</summary>
internal sealed partial class ConnectionSupervisor
{
    private ResiliencePipeline BuildReconnectPipeline() =>
        new ResiliencePipelineBuilder { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.ReconnectMinDelay,
                MaxDelay = _options.ReconnectMaxDelay,
                OnRetry = args =>
                {
                    Log.ConnectAttemptFailed(_logger, _options.EffectiveClientId, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);

                    // A message redelivered right after CONNACK may be refused again before the SUBACKs arrive: that
                    // ends the attempt on purpose and is not a connection problem worth a warning.
                    if (!_inputs.WasRefused(Volatile.Read(ref _attempt)?.Generation ?? 0))
                    {
                        SetStatus(ConnectionStatus.DisconnectedRetrying, ReasonFor(args.Outcome.Exception), args.Outcome.Exception);
                    }

                    return default;
                },
            })
            .Build();

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _reconnect.ExecuteAsync(ConnectOnceAsync, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var attempt = _attempt!;
            SetStatus(ConnectionStatus.Connected, ConnectionStatusChangeReason.ConnectionOk, null);
            _firstConnected.TrySetResult();
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewTask = attempt.Token is null ? Task.CompletedTask : RenewLaterAsync(attempt, renewal.Token);
            try
            {
                await attempt.Lost.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            finally
            {
                await renewal.CancelAsync().ConfigureAwait(false);
                await renewTask.ConfigureAwait(false);
            }

            if (_inputs.WasRefused(attempt.Generation))
            {
                // Our own abort to refuse a message, not a failure: no status change (it would log a warning per
                // refused message), just the backoff before the broker may redeliver it.
                try
                {
                    await Task.Delay(_inputs.RejectionDelay, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            var reason = attempt.RenewingToken ? ConnectionStatusChangeReason.ExpiredSasToken : ConnectionStatusChangeReason.CommunicationError;
            SetStatus(ConnectionStatus.DisconnectedRetrying, reason, null);
        }

        // Closing: let a connection that is still up say goodbye before the native object goes away. (An attempt
        // whose connect failed has no connection to wait for: its Lost never completes.)
        if (_attempt is { } last && !last.Lost.Task.IsCompleted && _connection is { IsUp: true })
        {
            _connection?.Disconnect();

            // Bounded on the real clock, as the CONNACK wait is: it waits for the network, and an injected test clock
            // nobody advances would hold the stop for good.
            await Task.WhenAny(last.Lost.Task, Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None)).ConfigureAwait(false);
        }
    }

    private async ValueTask ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var connection = _connection!;
        var attempt = new ConnectionAttempt();
        Volatile.Write(ref _attempt, attempt);
        if (_tokens is not null)
        {
            attempt.Token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            connection.SetCredentials(SasUserName(), attempt.Token.Value);
        }

        // Blocking TCP + TLS connect; deliberately synchronous (a cancelled Task.Run would leave it running).
        connection.Connect();
        attempt.Generation = connection.Generation;
        try
        {
            await Task.WhenAny(attempt.Connack.Task, attempt.Lost.Task)
                .WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            if (!attempt.Connack.Task.IsCompleted)
            {
                throw new TransportDisconnectedException(
                    $"The connection to {_options.Host}:{_options.Port} closed before CONNACK ({NativeMethods.ErrorText(attempt.Lost.Task.Result)}).");
            }

            var code = attempt.Connack.Task.Result;
            if (code != 0)
            {
                throw new ConnectionRefusedException($"The broker refused the connection: {NativeMethods.ConnackText(code)}.", code);
            }

            var subscriptions = _subscriptions.Select(pair => connection.SubscribeAsync(pair.Key, pair.Value));
            await Task.WhenAll(subscriptions).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            if (_subscriptions.ContainsKey(_inputsFilter))
            {
                ConfirmInputsSubscribed(attempt);
            }
        }
        catch
        {
            // Tear this attempt down completely before Polly schedules the next one.
            connection.Disconnect();
            await Task.WhenAny(attempt.Lost.Task, Task.Delay(_options.OperationTimeout, TimeProvider.System, CancellationToken.None))
                .ConfigureAwait(false);
            throw;
        }

        Log.Connected(_logger, _options.EffectiveClientId, _options.Host, _options.Port, _options.Mode);
    }

    private async Task RenewLaterAsync(ConnectionAttempt attempt, CancellationToken cancellationToken)
    {
        var due = _tokens!.RenewAt(attempt.Token!) - _timeProvider.GetUtcNow();
        try
        {
            await Task.Delay(due > TimeSpan.Zero ? due : TimeSpan.Zero, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // IoT Hub drops a connection whose token expires; reconnecting early with a fresh one avoids the gap.
        Log.RenewingToken(_logger, _options.EffectiveClientId, attempt.Token!.ExpiresOn);
        attempt.RenewingToken = true;
        _connection?.Disconnect();
    }

    /// <summary>The user name edgeHub and IoT Hub expect: <c>{hub}/{device}/{module}/?api-version={v}</c>.</summary>
    private string SasUserName() =>
        string.Create(CultureInfo.InvariantCulture, $"{_options.IotHubHostName}/{_options.DeviceId}/{_options.ModuleId}/?api-version={_options.ApiVersion}");

    private static ConnectionStatusChangeReason ReasonFor(Exception? error) =>
        error is ConnectionRefusedException { IsCredentialProblem: true }
            ? ConnectionStatusChangeReason.BadCredential
            : ConnectionStatusChangeReason.CommunicationError;

    /// <summary>Signals of one connect attempt, completed from the network thread.</summary>
    private sealed class ConnectionAttempt
    {
        public TaskCompletionSource<int> Connack { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<int> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SasToken? Token { get; set; }

        public volatile bool RenewingToken;

        /// <summary>The connection's generation (MosquittoConnection.Generation), set once connected.</summary>
        public volatile int Generation;
    }
}
