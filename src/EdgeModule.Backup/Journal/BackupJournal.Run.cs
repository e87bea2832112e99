namespace EdgeModule.Backup.Journal;

/// <summary>The journal's loop and its last flush.</summary>
public sealed partial class BackupJournal
{
    private long _checkpointIntervalTicks;

    /// <summary>
    /// The loss window (the host's <c>CheckpointIntervalMs</c>), from <see cref="BackupJournalOptions.CheckpointInterval"/>
    /// until set. A change takes effect at once: the loop flushes now, then waits the new interval.
    /// </summary>
    public TimeSpan CheckpointInterval
    {
        get => Interlocked.Read(ref _checkpointIntervalTicks) is var ticks and > 0 ? TimeSpan.FromTicks(ticks) : _options.CheckpointInterval;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _checkpointIntervalTicks, value.Ticks);
            lock (_state)
            {
                _wake.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Flushes every <see cref="CheckpointInterval"/>, and at once while <see cref="WhenDurableAsync"/>
    /// callers wait; starts compactions when due. A failed flush is reported (<see cref="BackupJournalOptions.Failed"/>)
    /// and retried at the next turn. Returns when <paramref name="cancellationToken"/> is cancelled, without a last
    /// flush (that is <see cref="FlushFinal"/>, once the writers stopped).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Task wake;
            lock (_state)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = NewSignal();
                }

                wake = _waiters.Count > 0 ? Task.CompletedTask : _wake.Task;
            }

            if (!wake.IsCompleted)
            {
                // The interval's timer is cancelled when waiters wake the loop first, so group commits leave no timers behind.
                using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var interval = Task.Delay(CheckpointInterval, _time, turn.Token);
                await Task.WhenAny(interval, wake).ConfigureAwait(false);
                await turn.CancelAsync().ConfigureAwait(false);

                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }

            try
            {
                await Task.Run(() => Flush(cancellationToken), cancellationToken).ConfigureAwait(false);
                CompactIfDue();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _options.Failed?.Invoke(ex);
                if (!await WaitBeforeRetry(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// The shutdown flush: stops a compaction in progress (the old generation stays the newest, up to date), appends
    /// what is left, and only when a compaction is due and the estimate of a full generation fits before
    /// <paramref name="deadline"/> writes one. Its cost is the last interval's changes, not the store's size.
    /// </summary>
    public JournalFinalFlush FlushFinal(DateTimeOffset deadline, CancellationToken cancellationToken = default)
    {
        _compactionStop.Cancel();
        WaitForCompaction();
        var bytes = Flush(cancellationToken);
        var statistics = GetStatistics();
        BackupResult? generation = null;
        BackupEstimate? estimate = null;
        if (statistics.CompactionDue)
        {
            estimate = _manager.Estimate(statistics.LiveBytes, deadline - _time.GetUtcNow());
            if (estimate.Fits)
            {
                generation = WriteFullGeneration(deadline, cancellationToken);
            }
        }

        return new JournalFinalFlush(bytes, generation, estimate, GetStatistics());
    }

    /// <summary>After a failure, waits one interval (not a hot loop against a full disk); false when cancelled.</summary>
    private async Task<bool> WaitBeforeRetry(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(CheckpointInterval, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
