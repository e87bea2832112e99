using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Backup.Bench;

/// <summary>
/// Splits the slow puts of the thread that created it (see <see cref="WriterStall"/>), reading the thread's
/// scheduler statistics (/proc/thread-self/schedstat: time on a CPU, time waiting for one) once per put.
/// </summary>
internal sealed class StallMeter : IDisposable
{
    private readonly SafeFileHandle? _schedstat;
    private readonly byte[] _text = new byte[128];
    private (long OnCpu, long RunDelay) _last;
    private double _total, _gc, _cpuWait, _blocked, _maxBlocked, _max;

    public StallMeter()
    {
        if (File.Exists("/proc/thread-self/schedstat"))
        {
            _schedstat = File.OpenHandle("/proc/thread-self/schedstat");
            _last = Read();
        }
    }

    /// <summary>Records one put of <paramref name="ms"/> milliseconds, <paramref name="gcMs"/> of which the GC was paused.</summary>
    public void Put(double ms, double gcMs)
    {
        var now = Read();
        var onCpu = (now.OnCpu - _last.OnCpu) / 1e6;
        var runDelay = (now.RunDelay - _last.RunDelay) / 1e6;
        _last = now;
        _max = Math.Max(_max, ms);
        if (ms <= 1)
        {
            return;
        }

        var gc = Math.Min(ms, gcMs);
        var wait = Math.Min(ms - gc, runDelay);
        var blocked = Math.Max(0, ms - Math.Max(gc, onCpu) - wait);
        _total += ms;
        _gc += gc;
        _cpuWait += wait;
        _blocked += blocked;
        _maxBlocked = Math.Max(_maxBlocked, blocked);
    }

    public WriterStall Result(long ops, double gcPauseMs) => new(_total, _gc, _cpuWait, _blocked, _maxBlocked, _max, ops, gcPauseMs);

    public void Dispose() => _schedstat?.Dispose();

    private (long OnCpu, long RunDelay) Read()
    {
        if (_schedstat is null)
        {
            return default;
        }

        var n = RandomAccess.Read(_schedstat, _text, 0);
        var fields = System.Text.Encoding.ASCII.GetString(_text, 0, n).Split(' ');
        return (long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
