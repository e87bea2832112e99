namespace EdgeModule.Messaging.Layout;

/// <summary>
/// A resettable wake-up for one waiter. Protocol: the waiter calls <see cref="Reset"/>, then looks for work, then, if
/// there was none, awaits <see cref="WaitAsync"/>. A producer commits its work first and calls <see cref="Set"/>
/// after. Whatever the interleaving, work committed after the waiter looked sets the task it awaits, so no wake-up is
/// lost and the waiter never polls.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _tcs = NewSource();

    public void Set() => Volatile.Read(ref _tcs).TrySetResult();

    public void Reset()
    {
        var current = Volatile.Read(ref _tcs);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _tcs, NewSource(), current);
        }
    }

    public Task WaitAsync(CancellationToken cancellationToken) => Volatile.Read(ref _tcs).Task.WaitAsync(cancellationToken);

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
