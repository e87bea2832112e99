using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Tests.Hosting;

/// <summary>Keeps every log line of an in-process host; tests wait on a line (a TaskCompletionSource per waiter).</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public int IndexOf(string text) => Lines.ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal));

    public Task<string> WaitForLineAsync(string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(regex.IsMatch) is { } line)
            {
                return Task.FromResult(line);
            }

            _waiters.Add((regex, found));
        }

        return found.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => w.Pattern.IsMatch(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Found.TrySetResult(line);
            }
        }
    }

    private sealed class Logger(LogCapture capture) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture.Add($"[{logLevel}] {formatter(state, exception)}");
            }
        }
    }
}
