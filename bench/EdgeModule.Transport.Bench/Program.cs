using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeModule.Transport.Bench;
using EdgeModule.Transport.Mqtt;

// QoS 1 throughput of 1 KB messages over TLS on loopback, ModuleClient beside mosquitto_pub / mosquitto_sub
// (libmosquitto's own clients) against the same broker in the same run.
const int PayloadSize = 1024;
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
using var broker = new BenchBroker();
var line = new string('x', PayloadSize - 1) + "\n";
var lines = new StringBuilder(line.Length * count).Insert(0, line, count).ToString();
var tls = $"-h 127.0.0.1 -p {broker.Port} --cafile {broker.CaFile} -q 1";

// Round 0 warms up the JIT, TLS and the broker; rounds 1-3 are measured, alternating baseline and ours, and the
// median of each is reported (the machine is shared, single runs are noisy).
var samples = new Dictionary<string, List<double>>();
for (var round = 0; round < 4; round++)
{
    var n = round == 0 ? Math.Min(5_000, count) : count;
    var payload = lines[..(line.Length * n)];
    var measured = new (string Key, double Seconds)[]
    {
        ("pub-base", Measure(() => broker.Run("mosquitto_pub", $"{tls} -t bench/pub -l", payload))),
        ("pub-ours", await MeasureAsync(() => PublishAsync(broker, n))),
        ("recv-base", ReceiveBaseline(broker, tls, payload, round, n)),
        ("recv-ours", await ReceiveOursAsync(broker, tls, payload, round, n)),
    };
    foreach (var (key, seconds) in round == 0 ? [] : measured)
    {
        (samples.TryGetValue(key, out var list) ? list : samples[key] = []).Add(n / seconds);
    }
}

double Median(string key) => samples[key].Order().ElementAt(samples[key].Count / 2);
var results = new List<(string Name, double Ours, double Baseline)>
{
    ("publish QoS 1 (PUBACK awaited)", Median("pub-ours"), Median("pub-base")),
    ("receive QoS 1 (persistent session)", Median("recv-ours"), Median("recv-base")),
};

var report = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Transport benchmark: {count} x {PayloadSize} B, QoS 1, TLS, loopback, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}")
    .AppendLine()
    .AppendLine("| scenario | ModuleClient msg/s | baseline msg/s | ratio | target |")
    .AppendLine("|---|---:|---:|---:|---|");
foreach (var (name, ours, baseline) in results)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ours:N0} | {baseline:N0} | {ours / baseline:F2}x | >= 0.8x and >= 20,000 |");
}

report.AppendLine().AppendLine("Median of 3 measured rounds after a warm-up round. Baselines: mosquitto_pub -l -q 1 (publish) and mosquitto_sub -c -q 1 -C N (receive), process start and TLS handshake included.");
Console.Write(report);
return 0;

static double Measure(Action action)
{
    var watch = Stopwatch.StartNew();
    action();
    return watch.Elapsed.TotalSeconds;
}

static async Task<double> MeasureAsync(Func<Task> action)
{
    var watch = Stopwatch.StartNew();
    await action();
    return watch.Elapsed.TotalSeconds;
}

static ModuleClientOptions Options(BenchBroker broker, string moduleId) => new()
{
    DeviceId = "bench",
    ModuleId = moduleId,
    Host = "127.0.0.1",
    Port = broker.Port,
    CaFile = broker.CaFile,
};

static async Task PublishAsync(BenchBroker broker, int n)
{
    await using var client = new ModuleClient(Options(broker, "pub"));
    await client.OpenAsync(CancellationToken.None);
    var body = new byte[PayloadSize];
    var window = new Queue<Task>();
    for (var i = 0; i < n; i++)
    {
        // Keep a bounded number of sends outstanding, as the store's pump would.
        if (window.Count == 1000)
        {
            await window.Dequeue();
        }

        window.Enqueue(client.SendEventAsync("out", new Message(body), CancellationToken.None));
    }

    await Task.WhenAll(window);
}

static double ReceiveBaseline(BenchBroker broker, string tls, string payload, int round, int n)
{
    var id = $"baseline-sub-{round}";
    broker.Run("mosquitto_sub", $"{tls} -c -i {id} -t bench/recv-{round} -E");
    broker.Run("mosquitto_pub", $"{tls} -t bench/recv-{round} -l", payload);
    return Measure(() => broker.Run("/bin/sh", $"-c \"mosquitto_sub {tls} -c -i {id} -t bench/recv-{round} -C {n} > /dev/null\""));
}

static async Task<double> ReceiveOursAsync(BenchBroker broker, string tls, string payload, int round, int n)
{
    var module = $"recv{round}";
    var options = Options(broker, module);
    await using (var first = new ModuleClient(options))
    {
        await first.SetInputMessageHandlerAsync("in", (_, _) => Task.CompletedTask, CancellationToken.None);
        await first.OpenAsync(CancellationToken.None);
    }

    broker.Run("mosquitto_pub", $"{tls} -t devices/bench/modules/{module}/inputs/in/n=1 -l", payload);
    var received = 0;
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    await using var client = new ModuleClient(options);
    await client.SetInputMessageHandlerAsync("in", (_, _) =>
    {
        if (++received == n)
        {
            done.TrySetResult();
        }

        return Task.CompletedTask;
    }, CancellationToken.None);
    return await MeasureAsync(async () =>
    {
        await client.OpenAsync(CancellationToken.None);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
    });
}
