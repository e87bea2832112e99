using EdgeModule.Messaging.Forwarding;

namespace EdgeModule.Messaging.Tests.Support;

/// <summary>
/// An upstream for tests: records every attempt and every delivered batch, fails the first
/// <see cref="FailuresLeft"/> attempts (or while <see cref="Down"/>), and signals when a number of messages arrived.
/// </summary>
internal sealed class RecordingSender : IMessageSender
{
    private readonly Lock _lock = new();
    private readonly List<StoredMessage> _delivered = [];
    private readonly List<int> _batchSizes = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly TaskCompletionSource _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int FailuresLeft { get; set; }

    private volatile bool _down;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public int Attempts { get; private set; }

    /// <summary>Called inside each attempt before it succeeds or fails, e.g. to read the checkpoint at that moment.</summary>
    public Action<IReadOnlyList<StoredMessage>>? OnAttempt { get; set; }

    public Task FirstFailure => _firstFailure.Task;

    public IReadOnlyList<StoredMessage> Delivered
    {
        get
        {
            lock (_lock)
            {
                return [.. _delivered];
            }
        }
    }

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_lock)
            {
                return [.. _batchSizes];
            }
        }
    }

    public Task SendAsync(string endpoint, IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        OnAttempt?.Invoke(batch);
        lock (_lock)
        {
            Attempts++;
            if (Down || FailuresLeft > 0)
            {
                FailuresLeft--;
                _firstFailure.TrySetResult();
                throw new IOException("upstream unavailable (test)");
            }

            _delivered.AddRange(batch);
            _batchSizes.Add(batch.Count);
            foreach (var waiter in _waiters.Where(w => _delivered.Count >= w.Count).ToArray())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Completes when at least <paramref name="count"/> messages were delivered.</summary>
    public Task WaitForDeliveredAsync(int count)
    {
        lock (_lock)
        {
            if (_delivered.Count >= count)
            {
                return Task.CompletedTask;
            }

            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, tcs));
            return tcs.Task;
        }
    }
}
