using System.Text.RegularExpressions;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// Output lines as they arrive (a child process's, a container's log). Tests wait for a line (a TaskCompletionSource per
/// waiter, checked on every new line, no polling) with a bound, or for the end of the output.
/// </summary>
internal sealed class LineLog(string source)
{
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource Found)> _waiters = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    public void Add(string line)
    {
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

    /// <summary>The output is complete: nothing more will be added.</summary>
    public void End() => _ended.TrySetResult();

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
            throw new TimeoutException($"No {what} within {timeout}. Output of {source}:\n{Output}");
        }
    }

    public async Task WaitForEndAsync(TimeSpan timeout)
    {
        try
        {
            await _ended.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The output of {source} did not end within {timeout}. Output:\n{Output}");
        }
    }
}
