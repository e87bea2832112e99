using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>How a module under test keeps its store.</summary>
internal enum StoreMode
{
    /// <summary>In memory, backup on, journal every CheckpointIntervalMs.</summary>
    Journal,

    /// <summary>In memory, backup on, CheckpointIntervalMs=0: a full backup at shutdown only (the journal's baseline).</summary>
    ShutdownBackup,

    /// <summary>UsePersistentStorage=true: RocksDB.</summary>
    RocksDb,
}

/// <summary>
/// One module process under test (the built src/EdgeModule), with its own folders, its Flow lines parsed (the module's
/// own time stamps) and its write counters.
/// </summary>
internal sealed partial class Module : IDisposable
{
    private Module(string name, ChildProcess process)
    {
        Name = name;
        Process = process;
    }

    public string Name { get; }

    public ChildProcess Process { get; }

    /// <summary>Starts the module and waits until its inputs are subscribed ("Accepting messages on inputs").</summary>
    public static async Task<Module> StartAsync(BenchContext bench, string name, StoreMode mode, int upstreamPort, params (string Name, string Value)[] extra)
    {
        var folder = Path.Combine(bench.Work, name);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["UsePersistentStorage"] = mode == StoreMode.RocksDb ? "true" : "false",
            ["EnableNonPersistentStorageBackup"] = mode == StoreMode.RocksDb ? "false" : "true",
            ["CheckpointIntervalMs"] = mode == StoreMode.ShutdownBackup ? "0" : bench.IntervalMs.ToString(CultureInfo.InvariantCulture),
            ["StorageFolder"] = Path.Combine(folder, "storage"),
            ["BackupFolder"] = Path.Combine(folder, "backup"),
            ["ShutdownWaitPeriod"] = "120",
            ["MqttHost"] = "127.0.0.1",
            ["MqttPort"] = bench.Receiving.Port.ToString(CultureInfo.InvariantCulture),
            ["MqttDeviceId"] = BenchContext.DeviceId,
            ["MqttModuleId"] = name,
            ["UpstreamMqttHost"] = "127.0.0.1",
            ["UpstreamMqttPort"] = upstreamPort.ToString(CultureInfo.InvariantCulture),
            ["UpstreamMqttDeviceId"] = BenchContext.DeviceId,
            ["UpstreamMqttModuleId"] = name,
            ["UpstreamMqttClientId"] = BenchContext.DeviceId + "/" + name + "-upstream",
            ["MaxStoreSizeBytes"] = (4L << 30).ToString(CultureInfo.InvariantCulture),
            ["StatsIntervalSecs"] = "1",
            ["MetricsPort"] = "0", // two modules run at once in parts 2-3: both would want :9600
        };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        var process = new ChildProcess("dotnet", [bench.ModuleDll], env);
        var module = new Module(name, process);
        try
        {
            // A module that fails to start exits: that ends the wait at once, with its last lines.
            var ready = process.WaitForAsync("Accepting messages on inputs", TimeSpan.FromSeconds(120));
            var exited = process.Process.WaitForExitAsync();
            if (await Task.WhenAny(ready, exited) == exited)
            {
                throw new InvalidOperationException($"module {name} exited with code {process.Process.ExitCode} before accepting; last lines:\n{process.Tail(10)}");
            }

            await ready;
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>The Flow lines so far: the module's time stamp, received and forwarded counts.</summary>
    public IReadOnlyList<FlowPoint> Flow() =>
        [.. Process.Lines.Select(l => FlowLine().Match(l)).Where(m => m.Success).Select(m => new FlowPoint(
            DateTime.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
            long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))];

    public Task WaitReceivedAsync(long count, TimeSpan timeout) =>
        Process.WaitForAsync(l => FlowLine().Match(l) is { Success: true } m && long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) >= count, timeout, $"{count} received");

    public Task WaitForwardedAsync(long count, TimeSpan timeout) =>
        Process.WaitForAsync(l => FlowLine().Match(l) is { Success: true } m && long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) >= count, timeout, $"{count} forwarded");

    public void Dispose()
    {
        Process.Dispose();

        // BENCH_LOG_DIR keeps every module's output (the work folder goes at the end).
        if (Environment.GetEnvironmentVariable("BENCH_LOG_DIR") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            File.AppendAllLines(Path.Combine(logs, Name + ".log"), Process.Lines);
        }
    }

    [GeneratedRegex(@"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*Flow: (\d+) received \(\+\d+\), (\d+) forwarded")]
    private static partial Regex FlowLine();
}

/// <summary>One Flow line: when the module logged it, and its counts.</summary>
internal readonly record struct FlowPoint(DateTime At, long Received, long Forwarded);
