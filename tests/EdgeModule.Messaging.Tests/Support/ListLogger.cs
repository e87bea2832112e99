using Microsoft.Extensions.Logging;

namespace EdgeModule.Messaging.Tests.Support;

/// <summary>Keeps every log entry, and lets a test wait for the first entry with a given event id.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly Lock _lock = new();
    private readonly List<(int EventId, LogLevel Level, string Message)> _entries = [];
    private readonly Dictionary<int, TaskCompletionSource> _waiters = [];

    public IReadOnlyList<(int EventId, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public int Count(int eventId) => Entries.Count(e => e.EventId == eventId);

    public Task WaitForAsync(int eventId)
    {
        lock (_lock)
        {
            if (_entries.Any(e => e.EventId == eventId))
            {
                return Task.CompletedTask;
            }

            if (!_waiters.TryGetValue(eventId, out var tcs))
            {
                _waiters[eventId] = tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return tcs.Task;
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _entries.Add((eventId.Id, logLevel, formatter(state, exception)));
            if (_waiters.Remove(eventId.Id, out var tcs))
            {
                tcs.TrySetResult();
            }
        }
    }
}
