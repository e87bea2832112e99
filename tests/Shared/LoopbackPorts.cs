using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeModule.Tests.Shared;

/// <summary>
/// Listening ports for test brokers, taken below the kernel's ephemeral range. A port the OS hands out for bind(0)
/// lies inside that range, so between releasing it and the broker binding it any outgoing connection (a module or a
/// test client dialling a broker) may get it as its local port, and the broker then exits with "Address already in
/// use". Ports below the range are never given to outgoing connections; only another listener can hold one, which
/// the probe bind skips and <see cref="MosquittoProcess"/> reports as <see cref="MosquittoStartException.AddressInUse"/>.
/// Each test process starts at its own random point so parallel test projects rarely probe the same port.
/// </summary>
internal static class LoopbackPorts
{
    private const int Lowest = 10000;
    private static readonly int Highest = EphemeralLow() - 1;
    private static int _next = Lowest + Random.Shared.Next(Highest - Lowest);

    /// <summary>A 127.0.0.1 port below the ephemeral range that nothing was listening on a moment ago.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Lowest + ((Interlocked.Increment(ref _next) - Lowest) % (Highest - Lowest + 1));
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free 127.0.0.1 port in {Lowest}-{Highest} after 1000 probes");
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

    /// <summary>The first port of net.ipv4.ip_local_port_range (32768 when the file cannot be read).</summary>
    private static int EphemeralLow()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            var low = int.Parse(first, CultureInfo.InvariantCulture);
            return low > Lowest + 1000 ? low : 32768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32768;
        }
    }
}
