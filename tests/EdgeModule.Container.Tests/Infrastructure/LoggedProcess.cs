using System.Diagnostics;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// A long-running child process whose output lines are kept in a <see cref="LineLog"/> (<c>mosquitto_sub</c>); tests
/// wait on its lines with a bound. The process is killed in <see cref="Dispose"/>.
/// </summary>
internal sealed class LoggedProcess : IDisposable
{
    private readonly Process _process;
    private readonly LineLog _log;
    private int _streamsOpen = 2;
    private bool _disposed;

    public LoggedProcess(string fileName, IEnumerable<string> arguments)
    {
        _log = new LineLog(fileName);
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

    public string Output => _log.Output;

    public Task WaitForLineAsync(string pattern, TimeSpan timeout) => _log.WaitForLineAsync(pattern, timeout);

    public Task WaitUntilAsync(Func<string, bool> matches, string what, TimeSpan timeout) => _log.WaitUntilAsync(matches, what, timeout);

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
        if (line is not null)
        {
            _log.Add(line);
        }
        else if (Interlocked.Decrement(ref _streamsOpen) == 0)
        {
            _log.End();
        }
    }
}
