using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule;

/// <summary>
/// When shutdown began (SIGTERM / Ctrl-C → ApplicationStopping, before any StopAsync runs) and so the deadline of the
/// backup: that moment + ShutdownWaitPeriod − the safety margin left for closing the store and exiting. The stages
/// before the backup (inputs, pump) use some of the period; the backup gets whatever remains.
/// </summary>
public sealed class ShutdownDeadline
{
    private readonly ModuleOptions _options;
    private readonly TimeProvider _time;
    private DateTimeOffset? _began;

    public ShutdownDeadline(ModuleOptions options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ShutdownDeadline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lifetime);
        _options = options;
        _time = time;
        lifetime.ApplicationStopping.Register(() =>
        {
            MarkBegan();
            Log.ShutdownBegan(logger, (long)options.ShutdownWaitPeriod.TotalMilliseconds, BackupDeadline);
        });
    }

    /// <summary>The backup must be complete by then; computed from the start of shutdown (or now, if it has not begun).</summary>
    public DateTimeOffset BackupDeadline => (_began ?? _time.GetUtcNow()) + _options.ShutdownWaitPeriod - _options.ShutdownSafetyMargin;

    /// <summary>The time a backup may take at most, as planned at startup: the whole period less the margin.</summary>
    public TimeSpan PlannedBackupWindow => _options.ShutdownWaitPeriod - _options.ShutdownSafetyMargin;

    public void MarkBegan() => _began ??= _time.GetUtcNow();
}
