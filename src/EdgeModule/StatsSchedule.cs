namespace EdgeModule;

/// <summary>
/// When the flow lines (PumpService, JournalService) are written: every <see cref="Interval"/>
/// (<c>StatsIntervalSecs</c>, 0 = never), which the twin may change while the module runs; every timer from
/// <see cref="CreateTimer"/> follows a change at once.
/// </summary>
public sealed class StatsSchedule(ModuleOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<PeriodicTimer> _timers = [];
    private TimeSpan _interval = options.Messaging.StatsInterval;

    public TimeSpan Interval
    {
        get
        {
            lock (_lock)
            {
                return _interval;
            }
        }

        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_lock)
            {
                _interval = value;
                foreach (var timer in _timers)
                {
                    timer.Period = PeriodOf(value);
                }
            }
        }
    }

    /// <summary>A timer ticking every <see cref="Interval"/> (never while it is 0), until the returned lease is disposed.</summary>
    public Lease CreateTimer()
    {
        lock (_lock)
        {
            var timer = new PeriodicTimer(PeriodOf(_interval), time);
            _timers.Add(timer);
            return new Lease(this, timer);
        }
    }

    private static TimeSpan PeriodOf(TimeSpan interval) => interval > TimeSpan.Zero ? interval : Timeout.InfiniteTimeSpan;

    private void Remove(PeriodicTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }

        timer.Dispose();
    }

    /// <summary>One timer of the schedule.</summary>
    public sealed class Lease(StatsSchedule schedule, PeriodicTimer timer) : IDisposable
    {
        public ValueTask<bool> WaitForNextTickAsync(CancellationToken cancellationToken) => timer.WaitForNextTickAsync(cancellationToken);

        public void Dispose() => schedule.Remove(timer);
    }
}
