using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeModule.Host.Bench;

/// <summary>
/// CPU time of the processes of one end-to-end path, so a row shows which process spends the two cores.
/// <para>Long-lived processes (brokers, the module, this harness) are sampled from <c>/proc/&lt;pid&gt;/stat</c>
/// (utime + stime, which already sum all threads) at the start and at the end of the measured window. The short-lived
/// clients (producer, consumer, relay) exit at or before the end of the window and are reaped by .NET before they could
/// be sampled, so each runs under <c>sh</c>, whose <c>times</c> prints its children's CPU when they exited (the shell
/// itself only waits). Both are in clock ticks (10 ms here): about 0.2 µs per message at 50,000 messages.</para>
/// </summary>
internal static partial class CpuUsage
{
    private static readonly double SecondsPerTick = 1.0 / 100;

    /// <summary>The roles of a path, in the order of the report's columns.</summary>
    public static readonly string[] Roles = ["producer", "broker A", "module / relay", "broker B", "consumer", "harness"];

    /// <summary>utime + stime of <paramref name="pid"/> in seconds; null when the process is gone.</summary>
    public static double? ProcessSeconds(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
        // After it: state(3) ppid(4) ... utime(14) stime(15).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * SecondsPerTick;
    }

    /// <summary>The command line of a client run so that the shell reports its CPU time when it exits (see the class).</summary>
    public static string[] Timed(string file, IEnumerable<string> args) =>
        ["-c", "\"$@\"; rc=$?; times >&2; exit $rc", "sh", file, .. args];

    /// <summary>A pipeline run the same way (its children's time is the pipeline's, all processes together).</summary>
    public static string[] TimedPipeline(string pipeline) => ["-c", pipeline + "; times >&2"];

    /// <summary>The children's user + system seconds from a <see cref="Timed"/> process's output after it exited.</summary>
    public static double? ChildSeconds(ChildProcess process)
    {
        // times prints the shell's own "user system" line, then its children's.
        var lines = process.Output.Split('\n').Where(l => TimesLine().IsMatch(l)).ToList();
        if (lines.Count < 2)
        {
            return null;
        }

        var m = TimesLine().Match(lines[^1]);
        return Seconds(m.Groups[1].Value, m.Groups[2].Value) + Seconds(m.Groups[3].Value, m.Groups[4].Value);

        static double Seconds(string minutes, string seconds) =>
            (int.Parse(minutes, CultureInfo.InvariantCulture) * 60) + double.Parse(seconds, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$")]
    private static partial Regex TimesLine();
}

/// <summary>The long-lived processes of a path, sampled at the start and the end of its measured window.</summary>
internal sealed class CpuWindow(IReadOnlyDictionary<string, int> processes)
{
    private readonly Dictionary<string, double> _start = [];
    private readonly Dictionary<string, double> _used = [];

    public void Start()
    {
        foreach (var (role, pid) in processes)
        {
            _start[role] = CpuUsage.ProcessSeconds(pid) ?? double.NaN;
        }
    }

    public void Stop()
    {
        foreach (var (role, pid) in processes)
        {
            _used[role] = (CpuUsage.ProcessSeconds(pid) ?? double.NaN) - _start[role];
        }
    }

    public IReadOnlyDictionary<string, double> Used => _used;
}

/// <summary>One measured path: its rate, its elapsed time and the CPU seconds of each role during the window.</summary>
internal sealed record PathResult(double Rate, double Seconds, IReadOnlyDictionary<string, double> Cpu)
{
    public PathResult With(string role, double? seconds)
    {
        var cpu = new Dictionary<string, double>(Cpu) { [role] = seconds ?? double.NaN };
        return this with { Cpu = cpu };
    }
}
