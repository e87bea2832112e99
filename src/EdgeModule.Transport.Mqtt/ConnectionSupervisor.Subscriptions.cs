using System.Collections.Concurrent;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Subscriptions: every filter asked for is kept and subscribed again on each connection; the inputs filter's SUBACK
/// (QoS 1 granted, checked by MosquittoConnection) is what the host waits for before it counts the module ready.
/// </summary>
internal sealed partial class ConnectionSupervisor
{
    private readonly ConcurrentDictionary<string, int> _subscriptions = new(StringComparer.Ordinal);
    private TaskCompletionSource _inputsSubscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Kept for every connection, from the next one on (before the start: from the first).</summary>
    public void KeepSubscribed(string filter, int qos) => _subscriptions.TryAdd(filter, qos);

    /// <summary>Kept for every connection; subscribed at once when connected (SUBACK awaited, bounded by OperationTimeout).</summary>
    public async Task EnsureSubscribedAsync(string filter, int qos, CancellationToken cancellationToken)
    {
        if (!_subscriptions.TryAdd(filter, qos) || _connection is not { IsUp: true } connection)
        {
            return;
        }

        var attempt = Volatile.Read(ref _attempt);
        try
        {
            await connection.SubscribeAsync(filter, qos).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            if (attempt is not null && filter == _inputsFilter)
            {
                ConfirmInputsSubscribed(attempt);
            }
        }
        catch (TransportDisconnectedException)
        {
            // Subscribed again with all the others after the reconnect.
        }
    }

    /// <summary>See <see cref="ModuleClient.WaitForInputsSubscribedAsync"/>.</summary>
    public Task WaitForInputsSubscribedAsync(CancellationToken cancellationToken)
    {
        Task subscribed;
        lock (_statusLock)
        {
            subscribed = _inputsSubscribed.Task;
        }

        return subscribed.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The inputs subscription of <paramref name="attempt"/> is confirmed (SUBACK, QoS 1 granted): completes the wait
    /// and raises the inputs-subscribed callback, unless that connection has ended meanwhile. Under the status lock,
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

        _inputsSubscribedCallback();
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
}
