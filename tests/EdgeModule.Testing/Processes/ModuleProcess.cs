using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>
/// The built module as a child process (<c>dotnet EdgeModule.dll</c> beside the tests, or the executable
/// <see cref="CommandVariable"/> names) with the given environment only. Its output lines are kept; tests wait on a
/// line (a TaskCompletionSource per waiter, no polling) with a bound, send real signals by PID, and the process is
/// killed in <see cref="Dispose"/> if it still runs.
/// </summary>
internal sealed class ModuleProcess : IDisposable
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>
    /// An executable that runs the module in its stead (it gets the same environment and signals, so it must exec the
    /// module): eng/arm64-stage.sh points it at the arm64 module under qemu, so the same end-to-end tests drive it.
    /// </summary>
    public const string CommandVariable = "EDGEMODULE_TEST_MODULE";

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streamsOpen = 2;

    private ModuleProcess(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Command.File, Command.Arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Only what the test sets (plus what dotnet needs): nothing from the test runner's environment leaks in.
        info.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What starts the module: <see cref="CommandVariable"/>'s executable, else dotnet with EdgeModule.dll.</summary>
    public static (string File, string[] Arguments) Command =>
        Environment.GetEnvironmentVariable(CommandVariable) is { Length: > 0 } command
            ? (command, [])
            : ("dotnet", [Path.Combine(AppContext.BaseDirectory, "EdgeModule.dll")]);

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

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

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static ModuleProcess Start(IReadOnlyDictionary<string, string> environment) => new(environment);

    /// <summary>Starts the module and waits until its inputs client is connected (it then accepts messages).</summary>
    public static async Task<ModuleProcess> StartConnectedAsync(IReadOnlyDictionary<string, string> environment)
    {
        var module = Start(environment);
        await module.WaitForLineAsync($"MQTT client {Regex.Escape(environment["MqttDeviceId"])}/{Regex.Escape(environment["MqttModuleId"])} connected");
        return module;
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/> (already printed or still to come).</summary>
    public Task<string> WaitForLineAsync(string pattern, TimeSpan? timeout = null)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            var existing = _lines.FirstOrDefault(regex.IsMatch);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((regex, found));
        }

        return WaitCoreAsync(found.Task, pattern, timeout ?? TestTimeouts.Signal);
    }

    public void Signal(int signal) => Assert.Equal(0, Posix.Kill(_process.Id, signal));

    /// <summary>Waits for the exit (and the end of its output); the bound is the test's, e.g. ShutdownWaitPeriod.</summary>
    public async Task<TimeSpan> WaitForExitAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The module did not exit within {timeout}. Output:\n{Output}");
        }

        return Stopwatch.GetElapsedTime(started);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TestTimeouts.Signal);
        }

        _process.Dispose();
    }

    private async Task<string> WaitCoreAsync(Task<string> found, string what, TimeSpan timeout)
    {
        try
        {
            return await found.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No line matching '{what}' within {timeout}. Output:\n{Output}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Decrement(ref _streamsOpen) == 0)
            {
                _exited.TrySetResult();
            }

            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Pattern.IsMatch(line))
                {
                    _waiters[i].Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
