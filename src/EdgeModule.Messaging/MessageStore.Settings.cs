namespace EdgeModule.Messaging;

/// <summary>
/// The settings an operator may change while the store runs (the host's twin configuration): they start from
/// <see cref="MessageStoreOptions"/> and take effect at once, under the same rules <see cref="MessageStoreOptions.Validate"/>
/// applies at open. <see cref="Options"/> keeps the values the store was opened with.
/// </summary>
public sealed partial class MessageStore
{
    private long _timeToLiveTicks;
    private long _cleanupIntervalTicks;
    private long _maxStoreBytes;
    private PeriodicTimer? _cleanupTimer;

    /// <summary>
    /// How long a message is kept from its enqueue time (<c>TimeToLiveSecs</c>); a change applies to the messages
    /// already stored, as in IoT Edge: a shorter one expires them at the next read or cleanup pass.
    /// </summary>
    public TimeSpan TimeToLive
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _timeToLiveTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _timeToLiveTicks, value.Ticks);
        }
    }

    /// <summary>
    /// Period of <see cref="RunCleanupLoopAsync"/> (<c>MessageCleanupIntervalSecs</c>); a change restarts the wait
    /// for the next pass with the new period.
    /// </summary>
    public TimeSpan CleanupInterval
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _cleanupIntervalTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _cleanupIntervalTicks, value.Ticks);
            if (Volatile.Read(ref _cleanupTimer) is { } timer)
            {
                timer.Period = CappedPeriod(value);
            }
        }
    }

    /// <summary>
    /// Upper bound of the stored records' bytes (<c>MaxStoreSizeBytes</c>; <see cref="long.MaxValue"/> = none). Lowered
    /// below what is stored, it refuses new messages until delivery or expiry brings the store under it; nothing
    /// stored is dropped for it.
    /// </summary>
    public long MaxStoreBytes
    {
        get => Interlocked.Read(ref _maxStoreBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Interlocked.Exchange(ref _maxStoreBytes, value);
        }
    }

    private void InitializeSettings()
    {
        _timeToLiveTicks = _options.TimeToLive.Ticks;
        _cleanupIntervalTicks = _options.CleanupInterval.Ticks;
        _maxStoreBytes = _options.MaxStoreBytes;
    }

    /// <summary>A timer period takes at most 2^32 − 2 ms (about 49 days); a longer interval waits that long.</summary>
    private static TimeSpan CappedPeriod(TimeSpan interval) =>
        interval.TotalMilliseconds > uint.MaxValue - 1 ? TimeSpan.FromMilliseconds(uint.MaxValue - 1) : interval;
}
