using System.Globalization;
using System.Text;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>
/// What every measure shares: the built module, a temporary work folder (removed at the end), the journal interval,
/// and three loopback ports outside the ephemeral range: the receiving broker (always up), an upstream broker that is
/// up, and one started and stopped by the measures that need the upstream down, then back.
/// </summary>
internal sealed class BenchContext : IDisposable
{
    public const string DeviceId = "jbench";

    private readonly DirectoryInfo _work;
    private readonly byte[] _big;

    public BenchContext(string moduleDll, int intervalMs, int inflight)
    {
        ModuleDll = moduleDll;
        IntervalMs = intervalMs;
        _work = Directory.CreateTempSubdirectory("edgemodule-journalbench-");
        var ports = Broker.FixedPorts(3);
        LateUpstream = new Broker(Work, "late-upstream", ports[2], inflight, start: false);
        try
        {
            Receiving = new Broker(Work, "receiving", ports[0], inflight);
            Upstream = new Broker(Work, "upstream", ports[1], inflight);
        }
        catch
        {
            Receiving?.Dispose();
            _work.Delete(recursive: true);
            throw;
        }

        _big = new byte[64 * 1024];
        new Random(42).NextBytes(_big);
    }

    public string ModuleDll { get; }

    public string Work => _work.FullName;

    public int IntervalMs { get; }

    public Broker Receiving { get; }

    public Broker Upstream { get; }

    /// <summary>Down unless a measure starts it (the upstream that comes back after a load).</summary>
    public Broker LateUpstream { get; }

    /// <summary>A 64 KiB body, the same for every message and every run (random bytes: nothing compresses it).</summary>
    public byte[] BigBody(int n) => _big;

    /// <summary>A 1 KB JSON body carrying its number (random hex, so RocksDB's compression gains little either).</summary>
    public static byte[] SmallBody(int n)
    {
        var random = new Random(n);
        var sb = new StringBuilder(1024);
        sb.Append(CultureInfo.InvariantCulture, $"{{\"n\":{n},\"t\":21.5,\"data\":\"");
        while (sb.Length < 1022)
        {
            sb.Append("0123456789abcdef"[random.Next(16)]);
        }

        return Encoding.ASCII.GetBytes(sb.Append("\"}").ToString());
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public void Dispose()
    {
        LateUpstream.Dispose();
        Upstream.Dispose();
        Receiving.Dispose();
        _work.Delete(recursive: true);
    }
}
