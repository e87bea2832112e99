using EdgeModule.Messaging.Forwarding;

namespace EdgeModule.Messaging.Tests.Support;

/// <summary>
/// An upstream for tests: records every attempt, every message that reached it and every acknowledged batch, fails the first
/// <see cref="FailuresLeft"/> attempts (or while <see cref="Down"/>), and signals when a number of messages arrived.
/// </summary>
internal sealed class RecordingSender : IMessageSender
{
    private readonly Lock _lock = new();
    private readonly List<StoredMessage> _delivered = [];
    private readonly List<StoredMessage> _received = [];
    private readonly List<int> _batchSizes = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly TaskCompletionSource _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _heldAtGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int FailuresLeft { get; set; }

    /// <summary>What a failed attempt throws (an <see cref="IOException"/> unless set).</summary>
    public Func<Exception> Failure { get; set; } = () => new IOException("upstream unavailable (test)");

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

    /// <summary>
    /// While set, an attempt that would succeed has reached the upstream but waits for this gate before it is
    /// acknowledged (acknowledgements on their way); it honours the token meanwhile, as a real sender does.
    /// </summary>
    public TaskCompletionSource? AckGate { get; set; }

    /// <summary>Completes when an attempt starts waiting on <see cref="AckGate"/>.</summary>
    public Task HeldAtGate => _heldAtGate.Task;

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

    /// <summary>Every message that reached the upstream, acknowledged or not (a duplicate appears here twice).</summary>
    public IReadOnlyList<StoredMessage> Received
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
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

    public async Task SendAsync(string endpoint, IReadOnlyList<StoredMessage> batch, CancellationToken cancellationToken)
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
                throw Failure();
            }

            _received.AddRange(batch);
        }

        if (AckGate is { } gate)
        {
            _heldAtGate.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        lock (_lock)
        {
            _delivered.AddRange(batch);
            _batchSizes.Add(batch.Count);
            foreach (var waiter in _waiters.Where(w => _delivered.Count >= w.Count).ToArray())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
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
