using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeModule.Transport.Bench;
using EdgeModule.Transport.Mqtt;

// QoS 1 throughput of 1 KB messages over TLS on loopback: ModuleClient beside libmosquitto's own clients
// (mosquitto_pub / mosquitto_sub) and a raw libmosquitto C loop, against the same broker in the same run.
// Usage: [count] [measured rounds]; BENCH_SCENARIOS=pub or recv runs one direction only.
const int PayloadSize = 1024;
const int Window = 1000; // sends the benchmark keeps outstanding, as the store's pump would (it awaits batches)
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var only = Environment.GetEnvironmentVariable("BENCH_SCENARIOS");
var defaults = new ModuleClientOptions { DeviceId = "d", ModuleId = "m", Host = "h" };
var inflight = defaults.MaxInflightMessages;
var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];

using var broker = new BenchBroker();
var line = new string('x', PayloadSize - 1) + "\n";
var baselines = new Baselines(broker, new StringBuilder(line.Length * count).Insert(0, line, count).ToString(), PayloadSize, inflight, Window, defaults.TcpNoDelay);
var native = baselines.CompileNative();

// Round 0 warms up the JIT, TLS and the broker; the measured rounds alternate baselines and ours, and the median of
// each is reported (the machine is shared, single runs are noisy).
var samples = new Dictionary<string, List<double>>();
for (var round = 0; round <= rounds; round++)
{
    var n = round == 0 ? Math.Min(5_000, count) : count;
    var scenarios = new List<(string Key, Func<Task<double>> Run)>();
    if (only is null or "pub")
    {
        scenarios.Add(("pub-cli", () => Task.FromResult(baselines.PublishCli(n))));
        scenarios.Add(("pub-ours", () => MeasureAsync(() => PublishAsync(broker, n))));
        if (native)
        {
            scenarios.Add(("pub-native", () => Task.FromResult(baselines.PublishNative(n))));
        }
    }

    if (only is null or "recv")
    {
        scenarios.Add(("recv-cli", () => Task.FromResult(baselines.ReceiveCli($"sub-{round}", n))));
        scenarios.Add(("recv-ours", () => ReceiveOursAsync(broker, baselines, round, n)));
        if (native)
        {
            scenarios.Add(("recv-native", () => Task.FromResult(baselines.ReceiveNative($"native-{round}", n))));
        }
    }

    foreach (var (key, run) in scenarios)
    {
        var rate = n / await run();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} {key,-12} {rate,10:N0} msg/s"));
        if (round > 0)
        {
            (samples.TryGetValue(key, out var list) ? list : samples[key] = []).Add(rate);
        }
    }
}

double? Median(string key) => samples.TryGetValue(key, out var list) ? list.Order().ElementAt(list.Count / 2) : null;
string Cell(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";
string Ratio(double? ours, double? baseline) => ours is { } o && baseline is { } b ? (o / b).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";

var report = new StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"Transport benchmark: {count} x {PayloadSize} B, QoS 1, TLS, loopback, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {loadBefore} before / {File.ReadAllText("/proc/loadavg").Split(' ')[0]} after")
    .AppendLine()
    .AppendLine("| scenario | ModuleClient msg/s | mosquitto_pub/sub msg/s | raw libmosquitto msg/s | ratio vs CLI | ratio vs raw | target |")
    .AppendLine("|---|---:|---:|---:|---:|---:|---|");
foreach (var (name, key) in new[] { ("publish QoS 1 (PUBACK awaited)", "pub"), ("receive QoS 1 (persistent session)", "recv") })
{
    var (ours, cli, raw) = (Median($"{key}-ours"), Median($"{key}-cli"), Median($"{key}-native"));
    if (ours is not null)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Cell(ours)} | {Cell(cli)} | {Cell(raw)} | {Ratio(ours, cli)} | {Ratio(ours, raw)} | >= 0.8x and >= 20,000 |");
    }
}

report.AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"Median of {rounds} measured rounds after a warm-up round, each round alternating the three. ModuleClient: MaxInflightMessages {inflight} and TcpNoDelay {defaults.TcpNoDelay} (defaults), {Window} sends outstanding, open and close included.")
    .AppendLine("CLI baselines: mosquitto_pub -l -q 1 (20 in flight, its default) and mosquitto_sub -c -q 1 -C N, timed from outside: process start, TLS handshake and mosquitto_pub's 100 ms polls included.")
    .AppendLine(CultureInfo.InvariantCulture, $"Raw baseline: native/mosquitto_baseline.c (gcc -O2), libmosquitto threaded like ModuleClient, {inflight} in flight, {Window} outstanding, same TCP_NODELAY, its payload copied out on receive, timed from connect to the last PUBACK/message plus disconnect.");
Console.Write(report);
return 0;

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
        if (window.Count == Window)
        {
            await window.Dequeue();
        }

        window.Enqueue(client.SendEventAsync("out", new Message(body), CancellationToken.None));
    }

    await Task.WhenAll(window);
}

static async Task<double> ReceiveOursAsync(BenchBroker broker, Baselines baselines, int round, int n)
{
    var module = $"recv{round}";
    var options = Options(broker, module);
    await using (var first = new ModuleClient(options))
    {
        await first.SetInputMessageHandlerAsync("in", (_, _) => Task.CompletedTask, CancellationToken.None);
        await first.OpenAsync(CancellationToken.None);
    }

    baselines.PublishLines($"devices/bench/modules/{module}/inputs/in/n=1", n);
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
        await client.CloseAsync(CancellationToken.None);
    });
}
