using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeModule.Tests.Shared;

/// <summary>
/// Listening ports for test brokers, taken outside the kernel's ephemeral range. A port the OS hands out for bind(0)
/// lies inside that range, so between releasing it and the broker binding it any outgoing connection (a module or a
/// test client dialling a broker) may get it as its local port, and the broker then exits with "Address already in
/// use". Ports outside the range are never given to outgoing connections; only another listener can hold one, which
/// the probe bind skips and <see cref="MosquittoProcess"/> reports as <see cref="MosquittoStartException.AddressInUse"/>.
/// Each test process starts at its own random point so parallel test projects rarely probe the same port. A port
/// kept for a broker that is stopped and started again is not held in between; another test process could take it,
/// which needs its probe to land on that very port meanwhile.
/// </summary>
internal static class LoopbackPorts
{
    private const int MinimumSpan = 1000;
    private static readonly (int Lowest, int Highest) Span = ChooseSpan();
    private static int _next = Random.Shared.Next(Span.Highest - Span.Lowest + 1);

    /// <summary>The ports handed out: below the ephemeral range (from 10000), or above it when it starts too low.</summary>
    public static (int Lowest, int Highest) Range => Span;

    /// <summary>A 127.0.0.1 port outside the ephemeral range that nothing was listening on a moment ago.</summary>
    public static int Next()
    {
        var count = Span.Highest - Span.Lowest + 1;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Span.Lowest + (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free 127.0.0.1 port in {Span.Lowest}-{Span.Highest} after 1000 probes");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Lowest, int Highest) ChooseSpan()
    {
        var (low, high) = EphemeralRange();
        if (low - 1 - 10000 >= MinimumSpan)
        {
            return (10000, low - 1);
        }

        if (65535 - (high + 1) >= MinimumSpan)
        {
            return (high + 1, 65535);
        }

        throw new InvalidOperationException(
            $"net.ipv4.ip_local_port_range is {low}-{high}: fewer than {MinimumSpan} ports lie outside it for test brokers");
    }

    /// <summary>net.ipv4.ip_local_port_range (Linux's default 32768-60999 when the file cannot be read).</summary>
    private static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32768, 60999);
        }
    }
}
