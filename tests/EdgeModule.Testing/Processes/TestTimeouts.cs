using EdgeModule.Testing;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>Every wait in the process tests is bounded by one of these (longer under emulation); nothing sleeps.</summary>
internal static class TestTimeouts
{
    /// <summary>A process start, a log line, a broker start.</summary>
    public static readonly TimeSpan Signal = TimeSpan.FromSeconds(60 * Emulation.TimeScale);

    /// <summary>Thousands of messages through brokers, store and pump on a loaded 2-core machine.</summary>
    public static readonly TimeSpan Flow = TimeSpan.FromSeconds(120 * Emulation.TimeScale);
}
