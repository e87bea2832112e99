using System.Diagnostics;
using System.Globalization;

namespace EdgeModule.Transport.Bench;

/// <summary>
/// The two baselines, each against the same broker, TLS listener, message size and count as ModuleClient:
/// libmosquitto's own command-line clients (mosquitto_pub -l / mosquitto_sub -c, timed from outside, so process start,
/// TLS handshake and mosquitto_pub's 100 ms polls while connecting and draining are included), and
/// <c>native/mosquitto_baseline.c</c>, a raw libmosquitto loop in the library mode ModuleClient uses (threaded, same
/// in-flight window, same caller window, same TCP_NODELAY), timed from its own connect to its last PUBACK or message.
/// </summary>
internal sealed class Baselines(BenchBroker broker, string payloadLines, int payloadSize, int inflight, int window, bool noDelay)
{
    private readonly string _tls = $"-h 127.0.0.1 -p {broker.Port} --cafile {broker.CaFile} -q 1";
    private string? _native;

    /// <summary>Compiles the C baseline with gcc; false (with a note on stderr) when gcc or libmosquitto-dev is missing.</summary>
    public bool CompileNative()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "native", "mosquitto_baseline.c");
        var binary = Path.Combine(broker.Directory, "mosquitto_baseline");
        try
        {
            broker.Run("gcc", $"-O2 -o {binary} {source} -lmosquitto -lpthread");
            _native = binary;
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"No raw libmosquitto baseline (gcc and libmosquitto-dev needed): {ex.Message}");
            return false;
        }
    }

    public double PublishCli(int n) =>
        Measure(() => broker.Run("mosquitto_pub", $"{_tls} -t bench/pub -l", Lines(n)));

    public double PublishNative(int n) =>
        RunNative($"pub 127.0.0.1 {broker.Port} {broker.CaFile} bench/pub-native {n} {payloadSize} {inflight} {window} {(noDelay ? 1 : 0)}");

    public double ReceiveCli(string name, int n)
    {
        Fill(name, n);
        return Measure(() => broker.Run("/bin/sh", $"-c \"mosquitto_sub {_tls} -c -i {name} -t bench/{name} -C {n} > /dev/null\""));
    }

    public double ReceiveNative(string name, int n)
    {
        Fill(name, n);
        return RunNative($"sub 127.0.0.1 {broker.Port} {broker.CaFile} bench/{name} {name} {n} {(noDelay ? 1 : 0)}");
    }

    /// <summary>Publishes <paramref name="n"/> payloads to <paramref name="topic"/> (the queue a receive run drains).</summary>
    public void PublishLines(string topic, int n) => broker.Run("mosquitto_pub", $"{_tls} -t {topic} -l", Lines(n));

    public static double Measure(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Creates the persistent session <paramref name="name"/> and queues <paramref name="n"/> messages in it.</summary>
    private void Fill(string name, int n)
    {
        broker.Run("mosquitto_sub", $"{_tls} -c -i {name} -t bench/{name} -E");
        PublishLines($"bench/{name}", n);
    }

    private string Lines(int n) => payloadLines[..(payloadSize * n)];

    private double RunNative(string arguments)
    {
        var output = broker.Run(_native ?? throw new InvalidOperationException("The C baseline is not compiled."), arguments);
        var parts = output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts is ["seconds", var seconds]
            ? double.Parse(seconds, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Unexpected output of the C baseline: {output}");
    }
}
