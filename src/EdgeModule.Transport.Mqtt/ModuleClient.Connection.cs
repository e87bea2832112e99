using System.Globalization;
using System.Text;
using EdgeModule.Transport.Mqtt.Auth;
using EdgeModule.Transport.Mqtt.Native;
using Polly;
using Polly.Retry;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Connection supervision. One background loop: connect through a Polly retry pipeline (exponential backoff with
/// jitter, unbounded attempts) → CONNACK → re-subscribe every filter → Connected → wait for the connection to end
/// (or for the SAS token to need renewal, which ends it on purpose) → DisconnectedRetrying → connect again.
/// State changes are logged once each; individual attempts only at debug level.
/// </summary>
public sealed partial class ModuleClient
{
    private readonly Lock _statusLock = new();
    private ConnectionAttempt? _attempt;
    private TaskCompletionSource _inputsSubscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        var connection = new MosquittoConnection(settings, _logger) { MessageReceived = OnMessage };
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
            await Task.WhenAny(last.Lost.Task, Task.Delay(TimeSpan.FromSeconds(5), _timeProvider, CancellationToken.None)).ConfigureAwait(false);
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
            if (_subscriptions.ContainsKey(_topics.InputsFilter))
            {
                ConfirmInputsSubscribed(attempt);
            }
        }
        catch
        {
            // Tear this attempt down completely before Polly schedules the next one.
            connection.Disconnect();
            await Task.WhenAny(attempt.Lost.Task, Task.Delay(_options.OperationTimeout, _timeProvider, CancellationToken.None))
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

    /// <summary>
    /// The inputs subscription of <paramref name="attempt"/> is confirmed (SUBACK, QoS 1 granted): completes the wait
    /// and raises <see cref="InputsSubscribed"/>, unless that connection has ended meanwhile. Under the status lock,
    /// against <see cref="ResetInputsSubscribed"/>, which runs once the connection's end is recorded.
    /// </summary>
    private void ConfirmInputsSubscribed(ConnectionAttempt attempt)
    {
        lock (_statusLock)
        {
            if (!ReferenceEquals(attempt, _attempt) || attempt.Lost.Task.IsCompleted || !_inputsSubscribed.TrySetResult())
            {
                return;
            }
        }

        InputsSubscribed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Network thread, when a connection ends: the next wait is for the next connection's SUBACK.</summary>
    private void ResetInputsSubscribed()
    {
        lock (_statusLock)
        {
            if (_inputsSubscribed.Task.IsCompleted)
            {
                _inputsSubscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
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

        ConnectionStatusChanged?.Invoke(this, new ConnectionStatusChangedEventArgs(status, reason));
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
