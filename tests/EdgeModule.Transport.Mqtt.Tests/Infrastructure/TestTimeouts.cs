namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>Every wait in these tests is bounded by one of these (longer under emulation); nothing sleeps.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Signal = TimeSpan.FromSeconds(20 * Emulation.TimeScale);

    /// <summary>For asserting that something does NOT happen (e.g. a refused TLS connection).</summary>
    public static readonly TimeSpan Absence = TimeSpan.FromSeconds(2);
}
