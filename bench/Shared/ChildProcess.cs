using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace EdgeModule.Bench;

/// <summary>
/// A child process of a whole-process benchmark (the module, mosquitto, its clients) whose output lines are kept and can
/// be awaited (a pattern or a predicate over each line, bounded by a timeout); signalled by PID; its write counters read
/// from <c>/proc/&lt;pid&gt;/io</c>. One source file linked into each bench that runs processes.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    public ChildProcess(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Process Process => _process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Every line so far, joined.</summary>
    public string Output => string.Join('\n', Lines);

    public string Tail(int count) => string.Join('\n', Lines.TakeLast(count));

    public Task<string> WaitForAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        return WaitForAsync(regex.IsMatch, timeout, pattern);
    }

    /// <summary>The first line (already read or to come) that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } existing)
            {
                return existing;
            }

            _waiters.Add((match, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }

            throw new TimeoutException($"no line matching '{what}' within {timeout}; last lines:\n{Tail(15)}");
        }
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
        }
    }

    /// <summary>SIGTERM, then the time until the process is gone.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        Signal(15);
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>write_bytes (what reached, or will reach, the block layer) and wchar (every write(2), pipes too).</summary>
    public IoCounters ReadIo()
    {
        var io = File.ReadAllLines($"/proc/{_process.Id}/io")
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => long.Parse(p[1].Trim(), CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new IoCounters(io["write_bytes"], io["wchar"], io["cancelled_write_bytes"]);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>Counters of <c>/proc/&lt;pid&gt;/io</c>: bytes sent to the disk, bytes of write calls, truncated dirty bytes.</summary>
internal readonly record struct IoCounters(long WriteBytes, long Wchar, long CancelledWriteBytes)
{
    public IoCounters Since(IoCounters start) =>
        new(WriteBytes - start.WriteBytes, Wchar - start.Wchar, CancelledWriteBytes - start.CancelledWriteBytes);
}
