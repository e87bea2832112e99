using Microsoft.Extensions.Time.Testing;

namespace EdgeModule.Testing;

/// <summary>
/// The tests' clock: Microsoft's <see cref="FakeTimeProvider"/> (it moves only on <see cref="FakeTimeProvider.Advance"/>,
/// timers fire inside it, timestamps follow it), plus a wait for the code under test to have a timer pending, so a
/// test advances past a deadline only once the deadline exists (the token renewal, for instance), with no sleep.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _lock = new();
    private readonly HashSet<ObservedTimer> _pending = [];
    private TaskCompletionSource _timerPending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a timer with a finite due time is pending (at once if one is).</summary>
    public Task WaitForTimerAsync()
    {
        lock (_lock)
        {
            return _pending.Count > 0 ? Task.CompletedTask : _timerPending.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Task.Delay creates its timer unscheduled and schedules it with Change: each Change counts, and a one-shot
        // timer is no longer pending once it fired.
        var timer = new ObservedTimer(this);
        timer.Inner = base.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        timer.Scheduled(dueTime, period);
        return timer;
    }

    private void SetPending(ObservedTimer timer, bool pending)
    {
        lock (_lock)
        {
            if (!pending)
            {
                _pending.Remove(timer);
            }
            else if (_pending.Add(timer) && _pending.Count == 1)
            {
                _timerPending.TrySetResult();
                _timerPending = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private sealed class ObservedTimer(ManualTimeProvider owner) : ITimer
    {
        private bool _periodic;

        public ITimer Inner { get; set; } = null!;

        public void Scheduled(TimeSpan dueTime, TimeSpan period)
        {
            _periodic = period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero;
            owner.SetPending(this, dueTime != Timeout.InfiniteTimeSpan);
        }

        public void Fired()
        {
            if (!_periodic)
            {
                owner.SetPending(this, pending: false);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = Inner.Change(dueTime, period);
            Scheduled(dueTime, period);
            return changed;
        }

        public void Dispose()
        {
            owner.SetPending(this, pending: false);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
