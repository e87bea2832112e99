using System.Diagnostics;
using System.Text.RegularExpressions;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// A long-running child process whose output lines are kept (<c>docker logs -f</c>, <c>mosquitto_sub</c>). Tests wait
/// for a line (a TaskCompletionSource per waiter, checked on every new line, no polling) with a bound; the process is
/// killed in <see cref="Dispose"/>.
/// </summary>
internal sealed class LoggedProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource Found)> _waiters = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streamsOpen = 2;
    private bool _disposed;

    public LoggedProcess(string fileName, IEnumerable<string> arguments)
    {
        _process = new Process
        {
            StartInfo = new ProcessStartInfo(fileName, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/> (already printed or still to come).</summary>
    public Task WaitForLineAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        return WaitUntilAsync(regex.IsMatch, $"a line matching '{pattern}'", timeout);
    }

    /// <summary>
    /// Waits until <paramref name="matches"/> returns true for a line; it sees every line once, in order (the ones
    /// already printed first), so it may keep state across lines.
    /// </summary>
    public async Task WaitUntilAsync(Func<string, bool> matches, string what, TimeSpan timeout)
    {
        var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.Any(matches))
            {
                return;
            }

            _waiters.Add((matches, found));
        }

        try
        {
            await found.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {what} within {timeout}. Output of {_process.StartInfo.FileName}:\n{Output}");
        }
    }

    /// <summary>Waits until the process exited and its output was read to the end.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            await _ended.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_process.StartInfo.FileName} did not end within {timeout}. Output:\n{Output}");
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(TestTimeouts.Signal);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _streamsOpen) == 0)
            {
                _ended.TrySetResult();
            }

            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Matches(line))
                {
                    _waiters[i].Found.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
