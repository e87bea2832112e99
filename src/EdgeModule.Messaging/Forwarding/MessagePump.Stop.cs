namespace EdgeModule.Messaging.Forwarding;

/// <summary>The graceful stop: stop taking batches, let the ones in flight be acknowledged within a grace, then abort.</summary>
public sealed partial class MessagePump
{
    /// <summary>
    /// Stops the pump gracefully and completes when every endpoint loop has ended. At once: no new batch is read or
    /// sent, and waits for messages or for a retry delay end. A batch whose send is in flight may still complete
    /// within <paramref name="grace"/>; it is then checkpointed, so it is not sent again after the restart. When the
    /// grace ends, or <paramref name="cancellationToken"/> is cancelled (say, the host's own stop deadline), the sends
    /// still in flight are cancelled and their batches stay unacknowledged (sent again later: nothing is lost).
    /// </summary>
    /// <param name="grace">How long batches in flight may take to be acknowledged; <see cref="TimeSpan.Zero"/> aborts at once.</param>
    /// <param name="cancellationToken">Cuts the grace short; the stop then completes as when the grace ends (no exception).</param>
    /// <returns>
    /// True when nothing was left unacknowledged by the stop: every batch the pump had sent was acknowledged and
    /// checkpointed. False when a batch was abandoned (at the grace's end, or held because the upstream was down);
    /// each one is logged (3017).
    /// </returns>
    public Task<bool> StopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        Task? running;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            running = _running;
        }

        // Synchronously (not CancelAsync), so that no loop takes another batch once this call has returned its task.
        _stopTaking.Cancel();

        if (running is null)
        {
            return Task.FromResult(true);
        }

        Log.Stopping(_logger, grace);
        return WaitStoppedAsync(running, grace, cancellationToken);
    }

    /// <summary>Frees the stop signals. Call it after <see cref="RunAsync"/> completed (stop the pump first).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stopTaking.Dispose();
            _abort.Dispose();
        }
    }

    private async Task<bool> WaitStoppedAsync(Task running, TimeSpan grace, CancellationToken cancellationToken)
    {
        try
        {
            await running.WaitAsync(grace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        return Volatile.Read(ref _abandonedBatches) == 0;
    }
}
