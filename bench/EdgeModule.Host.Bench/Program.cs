using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using EdgeModule.Host.Bench;
using EdgeModule.Transport.Mqtt;

// Whole-process benchmark of the module (plain harness: the unit is a process between brokers).
//   1. Baseline: mosquitto_pub -l → mosquitto → mosquitto_sub, N messages QoS 1, same payload, same run.
//   2. Module:   mosquitto_pub -l → mosquitto → module input → in-memory store → pump → mosquitto → mosquitto_sub.
//   3. Shutdown backup: the module (in memory, backup on, upstream down) holds ~1 GiB of queued messages; SIGTERM;
//      the backup line's bytes and time against ShutdownWaitPeriod, beside a raw 1 GiB write+fsync to the same folder.
// Usage: dotnet run -c Release --project bench/EdgeModule.Host.Bench -- [messages=50000] [backupMiB=1024, 0 skips it] [report.md]
// Build src/EdgeModule in Release first. Above ~100,000 messages mosquitto_pub -l was seen to lose messages when its
// stdin ends (the subscriber then stalls and the row shows the negative rate of what arrived); the ModuleClient rows
// are not affected. BENCH_UPSTREAM_INFLIGHT sets the module's UpstreamMqttMaxInflightMessages (default 100; 1000
// made no difference here: the pump is not the limit).
var messages = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
var backupMiB = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1024;
var reportPath = args.Length > 2 ? args[2] : null;
var root = FindRoot();
var moduleDll = Path.Combine(root, "src/EdgeModule/bin/Release/net10.0/EdgeModule.dll");
if (!File.Exists(moduleDll))
{
    Console.Error.WriteLine($"Build the module first: dotnet build -c Release src/EdgeModule ({moduleDll} missing)");
    return 1;
}

var work = Directory.CreateTempSubdirectory("edgemodule-hostbench-");
var report = new StringBuilder();
try
{
    // Two brokers as in a deployment with its own upstream: the receiving side and the upstream, one leg each.
    var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    using var broker = StartBroker(work.FullName, "receiving", out var port);
    using var upstreamBroker = StartBroker(work.FullName, "upstream", out var upstreamPort);
    var payload = Encoding.UTF8.GetBytes("{\"machine\":{\"temperature\":21.53,\"pressure\":1.06},\"ambient\":{\"temperature\":20.91,\"humidity\":25},\"timeCreated\":\"2026-11-21T13:30:56.1830000Z\",\"pad\":\"" + new string('x', 80) + "\"}");
    // Every path runs a warm-up of a fifth of the messages first, so the figures are the steady state of a running
    // module (and of the benchmark's own producer), not the JIT compiling the hot paths during the first seconds.
    var warmup = Math.Max(1000, messages / 5);
    var oneBroker = new Dictionary<string, int> { ["broker A"] = broker.Process.Id, ["harness"] = Environment.ProcessId };
    var twoBrokers = new Dictionary<string, int>(oneBroker) { ["broker B"] = upstreamBroker.Process.Id };
    var baseline = await PubSubAsync(port, "bench/baseline", "bench/baseline", messages, payload, null, oneBroker);
    await ProduceSubAsync(port, "devices/bench/modules/mod/inputs/input1/#", warmup, payload, null, oneBroker);
    var producerBaseline = await ProduceSubAsync(port, "devices/bench/modules/mod/inputs/input1/#", messages, payload, null, oneBroker);

    var relay = await RelayAsync(port, upstreamPort, messages, payload, twoBrokers);
    var moduleEnv = ModuleEnv(port, work.FullName, backup: false, upstreamPort: upstreamPort);
    PathResult module, modulePub;
    using (var m = new ChildProcess("dotnet", [moduleDll], moduleEnv))
    {
        await m.WaitForAsync("MQTT client bench/mod connected", TimeSpan.FromSeconds(60));
        await m.WaitForAsync("MQTT client bench/mod-upstream connected", TimeSpan.FromSeconds(60));
        var withModule = new Dictionary<string, int>(twoBrokers) { ["module / relay"] = m.Process.Id };
        await ProduceSubAsync(port, "devices/bench/modules/mod/messages/events/#", warmup, payload, upstreamPort, withModule);
        module = await ProduceSubAsync(port, "devices/bench/modules/mod/messages/events/#", messages, payload, upstreamPort, withModule);
        modulePub = await PubSubAsync(port, "devices/bench/modules/mod/inputs/input1/", "devices/bench/modules/mod/messages/events/#", messages, payload, upstreamPort, withModule);
        m.Signal(15);
        await m.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    report.AppendLine(CultureInfo.InvariantCulture, $"## End to end, {messages:N0} messages of {payload.Length} B, QoS 1, loopback, in-memory store").AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Each module path and the ModuleClient producer first pass {warmup:N0} warm-up messages (not counted). Load average before: {loadBefore}, after: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.").AppendLine();
    report.AppendLine("| Path | msg/s | MB/s |").AppendLine("|---|---:|---:|");
    report.AppendLine(CultureInfo.InvariantCulture, $"| baseline: mosquitto_pub → broker → mosquitto_sub | {baseline.Rate:N0} | {baseline.Rate * payload.Length / 1e6:F1} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| baseline: mosquitto_pub → broker A → relay (mosquitto_sub \\| mosquitto_pub, no store) → broker B → mosquitto_sub | {relay.Rate:N0} | {relay.Rate * payload.Length / 1e6:F1} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| module: mosquitto_pub → broker A → input → store → pump → broker B → mosquitto_sub | {modulePub.Rate:N0} | {modulePub.Rate * payload.Length / 1e6:F1} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| module / relay (same two brokers, same producer and consumer) | {modulePub.Rate / relay.Rate:P0} | |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| baseline: ModuleClient producer (1000 in flight) → broker → mosquitto_sub | {producerBaseline.Rate:N0} | {producerBaseline.Rate * payload.Length / 1e6:F1} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| module: ModuleClient producer → broker A → input → store → pump → broker B → mosquitto_sub | {module.Rate:N0} | {module.Rate * payload.Length / 1e6:F1} |");
    report.AppendLine(CultureInfo.InvariantCulture, $"| module / baseline (same producer) | {module.Rate / producerBaseline.Rate:P0} | |").AppendLine();
    report.AppendLine("CPU per message of each process during the measured window (µs/msg; from /proc/<pid>/stat of the brokers, the module and the harness at the start and end of the window, and the shell's `times` for the clients, which exit inside it; 10 ms ticks, ±0.2 µs). Cores busy = all the CPU of the window / its elapsed time (the machine has " + Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) + "). The harness writes the producer's stdin and reads every line the consumer prints; with the ModuleClient producer it is the producer.").AppendLine();
    report.AppendLine("| Path | " + string.Join(" | ", CpuUsage.Roles) + " | total | cores busy |").AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", CpuUsage.Roles.Length + 2)));
    foreach (var (name, result) in new[] { ("pub → broker → sub", baseline), ("relay (sub \\| pub)", relay), ("module, mosquitto_pub", modulePub), ("ModuleClient → broker → sub", producerBaseline), ("module, ModuleClient producer", module) })
    {
        report.AppendLine(CpuRow(name, result, messages));
    }

    report.AppendLine();
    Console.Write(report);

    if (backupMiB > 0)
    {
        var backupReport = await BackupAsync(port, work.FullName, backupMiB, moduleDll);
        report.Append(backupReport);
        Console.Write(backupReport);
    }
}
finally
{
    work.Delete(recursive: true);
}

if (reportPath is not null)
{
    await File.WriteAllTextAsync(reportPath, $"# Host benchmark (last run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)\n\n{report}");
}

return 0;

// One row of the CPU table: µs of CPU per message per role, "–" for a role the path does not have.
static string CpuRow(string name, PathResult result, int count)
{
    var cells = CpuUsage.Roles.Select(r => result.Cpu.TryGetValue(r, out var s) && !double.IsNaN(s) ? (s * 1e6 / count).ToString("F1", CultureInfo.InvariantCulture) : "–");
    var total = result.Cpu.Values.Where(s => !double.IsNaN(s)).Sum();
    return string.Create(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", cells)} | {total * 1e6 / count:F1} | {total / result.Seconds:F2} |");
}

static Dictionary<string, string> ModuleEnv(int port, string work, bool backup, int upstreamPort) => new()
{
    ["UsePersistentStorage"] = "false",
    ["EnableNonPersistentStorageBackup"] = backup ? "true" : "false",
    ["StorageFolder"] = Path.Combine(work, "storage"),
    ["BackupFolder"] = Path.Combine(work, "backup"),
    ["MqttHost"] = "127.0.0.1",
    ["MqttPort"] = port.ToString(CultureInfo.InvariantCulture),
    ["MqttDeviceId"] = "bench",
    ["MqttModuleId"] = "mod",
    ["UpstreamMqttHost"] = "127.0.0.1",
    ["UpstreamMqttPort"] = upstreamPort.ToString(CultureInfo.InvariantCulture),
    ["UpstreamMqttDeviceId"] = "bench",
    ["UpstreamMqttModuleId"] = "mod",
    ["UpstreamMqttClientId"] = "bench/mod-upstream",
    ["MaxStoreSizeBytes"] = (4L << 30).ToString(CultureInfo.InvariantCulture),
    ["StatsIntervalSecs"] = "1",
    ["UpstreamMqttMaxInflightMessages"] = Environment.GetEnvironmentVariable("BENCH_UPSTREAM_INFLIGHT") ?? "100",
};

// N messages from mosquitto_pub -l (one per line) until a persistent-session mosquitto_sub has received all N.
static async Task<PathResult> PubSubAsync(int port, string pubTopic, string subFilter, int count, byte[] payload, int? subPort, IReadOnlyDictionary<string, int> processes)
{
    var p = port.ToString(CultureInfo.InvariantCulture);
    var sp = (subPort ?? port).ToString(CultureInfo.InvariantCulture);
    var id = "bench-sub-" + Guid.NewGuid().ToString("N")[..8];
    using (var session = new ChildProcess("mosquitto_sub", ["-h", "127.0.0.1", "-p", sp, "-q", "1", "-c", "-i", id, "-t", subFilter, "-E"]))
    {
        await session.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    using var sub = new ChildProcess("sh", CpuUsage.Timed("mosquitto_sub", ["-h", "127.0.0.1", "-p", sp, "-q", "1", "-c", "-i", id, "-t", subFilter, "-C", count.ToString(CultureInfo.InvariantCulture), "-F", "%m"]));
    var window = new CpuWindow(processes);
    var started = Stopwatch.GetTimestamp();
    window.Start();
    double? producerCpu;
    using (var pub = new ChildProcess("sh", CpuUsage.Timed("mosquitto_pub", ["-h", "127.0.0.1", "-p", p, "-q", "1", "-t", pubTopic, "-l"]), redirectInput: true))
    {
        var line = Encoding.UTF8.GetString(payload);
        var input = pub.Process.StandardInput;
        for (var i = 0; i < count; i++)
        {
            await input.WriteLineAsync(line);
        }

        input.Close();
        await pub.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        producerCpu = CpuUsage.ChildSeconds(pub);
    }

    return (await FinishAsync(sub, count, started, window)).With("producer", producerCpu).With("consumer", CpuUsage.ChildSeconds(sub));
}

// The subscriber exits after N messages; one that stops making progress for 30 s is reported with what it got.
static async Task<PathResult> FinishAsync(ChildProcess sub, int count, long started, CpuWindow window)
{
    var last = -1;
    while (!sub.Process.HasExited && sub.LineCount != last)
    {
        last = sub.LineCount;
        try
        {
            await sub.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // Progress is checked again.
        }
    }

    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    window.Stop();
    if (!sub.Process.HasExited)
    {
        Console.Error.WriteLine($"subscriber stalled at {sub.LineCount} of {count} messages");
        return new PathResult(-sub.LineCount / elapsed, elapsed, window.Used);
    }

    // Its last output (the CPU line of its shell) is read to the end.
    await sub.Process.WaitForExitAsync();
    return new PathResult(count / elapsed, elapsed, window.Used);
}

// The module's two-broker path with the simplest relay instead of the module: mosquitto_sub on broker A piped into
// mosquitto_pub -l on broker B (QoS 1 both legs, nothing stored). The relay's session exists before anything is sent.
static async Task<PathResult> RelayAsync(int port, int upstreamPort, int count, byte[] payload, IReadOnlyDictionary<string, int> processes)
{
    var id = "bench-relay-" + Guid.NewGuid().ToString("N")[..8];
    using (var session = new ChildProcess("mosquitto_sub", ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-c", "-i", id, "-t", "bench/relay", "-E"]))
    {
        await session.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    var pipeline = string.Create(CultureInfo.InvariantCulture,
        $"mosquitto_sub -h 127.0.0.1 -p {port} -q 1 -c -i {id} -t bench/relay -C {count} -F %p | mosquitto_pub -h 127.0.0.1 -p {upstreamPort} -q 1 -t bench/relayed -l");
    using var relay = new ChildProcess("sh", CpuUsage.TimedPipeline(pipeline));
    var result = await PubSubAsync(port, "bench/relay", "bench/relayed", count, payload, upstreamPort, processes);
    await relay.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    return result.With("module / relay", CpuUsage.ChildSeconds(relay));
}

// N messages from a ModuleClient (SendToInputAsync, 1000 in flight) until a persistent-session mosquitto_sub has them.
static async Task<PathResult> ProduceSubAsync(int port, string subFilter, int count, byte[] payload, int? subPort, IReadOnlyDictionary<string, int> processes)
{
    var sp = (subPort ?? port).ToString(CultureInfo.InvariantCulture);
    var id = "bench-sub-" + Guid.NewGuid().ToString("N")[..8];
    using (var session = new ChildProcess("mosquitto_sub", ["-h", "127.0.0.1", "-p", sp, "-q", "1", "-c", "-i", id, "-t", subFilter, "-E"]))
    {
        await session.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    using var sub = new ChildProcess("sh", CpuUsage.Timed("mosquitto_sub", ["-h", "127.0.0.1", "-p", sp, "-q", "1", "-c", "-i", id, "-t", subFilter, "-C", count.ToString(CultureInfo.InvariantCulture), "-F", "%m"]));
    await using var producer = new ModuleClient(new ModuleClientOptions { DeviceId = "bench", ModuleId = "producer", Host = "127.0.0.1", Port = port, CleanSession = true, MaxInflightMessages = 1000 });
    await producer.OpenAsync(CancellationToken.None);
    var cpu = new CpuWindow(processes);
    var started = Stopwatch.GetTimestamp();
    cpu.Start();
    var window = new List<Task>(1000);
    for (var i = 0; i < count; i++)
    {
        window.Add(producer.SendToInputAsync("mod", "input1", new Message(payload), CancellationToken.None));
        if (window.Count == 1000)
        {
            await Task.WhenAll(window);
            window.Clear();
        }
    }

    await Task.WhenAll(window);
    return (await FinishAsync(sub, count, started, cpu)).With("consumer", CpuUsage.ChildSeconds(sub));
}

// The module holds ~N MiB of queued messages (upstream down), then SIGTERM: the backup line against ShutdownWaitPeriod.
static async Task<string> BackupAsync(int port, string work, int mib, string moduleDll)
{
    const int bodyBytes = 64 * 1024;
    var count = mib * 16;
    var closedPort = FreePort();
    var env = ModuleEnv(port, work, backup: true, upstreamPort: closedPort);
    using var m = new ChildProcess("dotnet", [moduleDll], env);
    await m.WaitForAsync("MQTT client bench/mod connected", TimeSpan.FromSeconds(60));
    await using (var producer = new ModuleClient(new ModuleClientOptions { DeviceId = "bench", ModuleId = "producer", Host = "127.0.0.1", Port = port, CleanSession = true, MaxInflightMessages = 200 }))
    {
        await producer.OpenAsync(CancellationToken.None);
        var body = new byte[bodyBytes];
        new Random(42).NextBytes(body);
        var window = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            window.Add(producer.SendToInputAsync("mod", "input1", new Message(body) { MessageId = i.ToString(CultureInfo.InvariantCulture) }, CancellationToken.None));
            if (window.Count == 200)
            {
                await Task.WhenAll(window);
                window.Clear();
            }
        }

        await Task.WhenAll(window);
    }

    await m.WaitForAsync($"Flow: {count} received", TimeSpan.FromMinutes(10));
    var plan = await m.WaitForAsync("A full backup of", TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    var sigterm = Stopwatch.GetTimestamp();
    m.Signal(15);
    await m.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    var exitTime = Stopwatch.GetElapsedTime(sigterm);
    var line = m.Output.Split('\n').FirstOrDefault(l => l.Contains("Backup generation", StringComparison.Ordinal))
        ?? m.Output.Split('\n').FirstOrDefault(l => l.Contains("Backup FAILED", StringComparison.Ordinal)) ?? "(no backup line)";
    var match = Regex.Match(line, @"written to .*: (\d+) bytes, (\d+) messages .* in (\d+) ms");

    // Baseline from the same run: a plain sequential write + fsync of the same size to the same folder.
    var raw = RawWriteSeconds(Path.Combine(work, "backup", "raw.bin"), match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : (long)mib << 20);
    var sb = new StringBuilder();
    sb.AppendLine(CultureInfo.InvariantCulture, $"## Shutdown backup, {count:N0} queued messages of {bodyBytes / 1024} KiB (~{mib} MiB), ShutdownWaitPeriod 20 s").AppendLine();
    sb.AppendLine("| Measure | Value |").AppendLine("|---|---:|");
    if (match.Success)
    {
        var bytes = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var ms = long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
        sb.AppendLine(CultureInfo.InvariantCulture, $"| backup file | {bytes / 1048576.0:N0} MiB, {match.Groups[2].Value} messages |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| backup time | {ms / 1000.0:F2} s ({bytes / 1e6 / (ms / 1000.0):F0} MB/s) = {ms / 200.0:F0} % of ShutdownWaitPeriod |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| baseline: raw sequential write + fsync of the same bytes | {raw:F2} s ({bytes / 1e6 / raw:F0} MB/s) |");
    }
    else
    {
        sb.AppendLine(CultureInfo.InvariantCulture, $"| backup | FAILED: {line} |");
    }

    sb.AppendLine(CultureInfo.InvariantCulture, $"| SIGTERM → process exit | {exitTime.TotalSeconds:F2} s (exit code {m.Process.ExitCode}) |");
    sb.AppendLine(CultureInfo.InvariantCulture, $"| startup plan line | {Regex.Replace(plan, @"^.*\] - ", string.Empty).Replace("|", "/", StringComparison.Ordinal)} |").AppendLine();
    return sb.ToString();
}

static double RawWriteSeconds(string path, long bytes)
{
    var buffer = new byte[4 << 20];
    var started = Stopwatch.GetTimestamp();
    using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
    {
        for (long offset = 0; offset < bytes; offset += buffer.Length)
        {
            RandomAccess.Write(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, bytes - offset)), offset);
        }

        RandomAccess.FlushToDisk(file);
    }

    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    File.Delete(path);
    return seconds;
}

static ChildProcess StartBroker(string work, string name, out int port)
{
    port = FreePort();
    var conf = Path.Combine(work, name + ".conf");
    File.WriteAllText(conf, string.Create(CultureInfo.InvariantCulture, $"user root\npersistence false\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 1000\nlog_dest stderr\nlog_type information\nlistener {port} 127.0.0.1\n"));
    var broker = new ChildProcess("/usr/sbin/mosquitto", ["-c", conf]);
    broker.WaitForAsync(" running", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
    return broker;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "EdgeModule.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
