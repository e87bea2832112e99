namespace EdgeModule.Operations;

/// <summary>
/// One component's progress as the watchdog sees it: a marker that moves when it does work (a counter), and whether
/// work is waiting for it. No progress for longer than the timeout while work waits is a stall. The clock restarts
/// whenever the marker moves or nothing waits.
/// </summary>
public sealed class ProgressWatch(string component, TimeSpan timeout)
{
    private long _marker = long.MinValue;
    private DateTimeOffset _since;

    public string Component { get; } = component;

    /// <summary>How long the component has been stalled at the last observation (zero when it is not).</summary>
    public TimeSpan StalledFor { get; private set; }

    /// <summary>Records an observation; true when the component is stalled past the timeout.</summary>
    public bool Observe(DateTimeOffset now, long marker, bool pending)
    {
        if (!pending || marker != _marker || _marker == long.MinValue)
        {
            _marker = marker;
            _since = now;
            StalledFor = TimeSpan.Zero;
            return false;
        }

        StalledFor = now - _since;
        return StalledFor > timeout;
    }
}
