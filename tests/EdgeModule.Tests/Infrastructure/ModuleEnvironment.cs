using System.Globalization;
using System.Text;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>
/// A test module's world: its folders, the receiving broker (its inputs) and the upstream broker, the environment
/// that wires them, and a producer that publishes numbered messages with properties to the module's input.
/// </summary>
internal sealed class ModuleEnvironment : IDisposable
{
    public const string DeviceId = "test-device";
    public const string ModuleId = "edgemodule";
    public const string UpstreamModuleId = "edgemodule-up";
    public const int ShutdownWaitSeconds = 20;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-e2e-");

    public ModuleEnvironment(bool upstreamRunning = true)
    {
        Receiving = new Broker();
        Upstream = new Broker(start: upstreamRunning);
    }

    public Broker Receiving { get; }

    public Broker Upstream { get; }

    public string Folder => _folder.FullName;

    public string StorageFolder => Path.Combine(Folder, "storage");

    public string BackupFolder => Path.Combine(Folder, "backup");

    public string InputTopic => $"devices/{DeviceId}/modules/{ModuleId}/inputs/input1/";

    public string[] Generations => Directory.Exists(BackupFolder)
        ? [.. Directory.GetFiles(BackupFolder, "backup-*.ebk").Order(StringComparer.Ordinal)]
        : [];

    /// <summary>In-memory store with backup unless <paramref name="persistent"/>; extra variables override.</summary>
    public Dictionary<string, string> Variables(bool persistent = false, params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["UsePersistentStorage"] = persistent ? "true" : "false",
            ["EnableNonPersistentStorageBackup"] = "true",
            ["StorageFolder"] = StorageFolder,
            ["BackupFolder"] = BackupFolder,
            ["ShutdownWaitPeriod"] = ShutdownWaitSeconds.ToString(CultureInfo.InvariantCulture),
            ["MqttHost"] = "127.0.0.1",
            ["MqttPort"] = Receiving.Port.ToString(CultureInfo.InvariantCulture),
            ["MqttDeviceId"] = DeviceId,
            ["MqttModuleId"] = ModuleId,
            ["UpstreamMqttHost"] = "127.0.0.1",
            ["UpstreamMqttPort"] = Upstream.Port.ToString(CultureInfo.InvariantCulture),
            ["UpstreamMqttDeviceId"] = DeviceId,
            ["UpstreamMqttModuleId"] = UpstreamModuleId,
            ["StatsIntervalSecs"] = "1",

            // Tests run in parallel: no two modules may take the default metrics port.
            ["MetricsPort"] = "0",
        };
        foreach (var (name, value) in extra)
        {
            env[name] = value;
        }

        return env;
    }

    /// <summary>The body of message <paramref name="n"/>: JSON with a non-ASCII character, so byte identity means something.</summary>
    public static byte[] Body(int n, int padding = 0) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"n":{{n}},"t":21.5,"unit":"°C","pad":"{{new string('x', padding)}}"}"""));

    /// <summary>The topic of message <paramref name="n"/>: system properties and application properties in the bag.</summary>
    public string Topic(int n) => InputTopic + string.Create(CultureInfo.InvariantCulture,
        $"%24.mid=m-{n}&%24.cid=c-{n % 7}&%24.ct=application%2Fjson&%24.ce=utf-8&seq={n}&note=a%20b%26c");

    /// <summary>Publishes messages <paramref name="from"/>..<paramref name="to"/>-1 (QoS 1) and waits for every PUBACK.</summary>
    public async Task PublishAsync(MqttTestClient producer, int from, int to, int padding = 0)
    {
        var acks = new List<Task>(to - from);
        for (var n = from; n < to; n++)
        {
            acks.Add(producer.PublishAsync(Topic(n), Body(n, padding)));
        }

        await Task.WhenAll(acks).WaitAsync(TestTimeouts.Flow);
    }

    /// <summary>
    /// Reads what the upstream received until every number in <paramref name="expected"/> was seen; asserts each is
    /// byte-identical (body) with its system and application properties, first arrivals in order; returns the number
    /// of duplicates (allowed: at-least-once).
    /// </summary>
    public static async Task<int> ReceiveAllAsync(MqttTestClient upstream, IReadOnlySet<int> expected, int padding = 0)
    {
        var seen = new HashSet<int>();
        var firstArrivals = new List<int>();
        var duplicates = 0;
        var deadline = DateTime.UtcNow + TestTimeouts.Flow;
        while (!expected.IsSubsetOf(seen))
        {
            var remaining = deadline - DateTime.UtcNow;
            MqttTestClient.Received message;
            try
            {
                message = await upstream.NextAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
            }
            catch (OperationCanceledException)
            {
                var missing = expected.Except(seen).Order().Take(20);
                throw new TimeoutException($"Upstream saw {seen.Count} of {expected.Count}; missing e.g. {string.Join(',', missing)}");
            }

            var properties = message.Properties;
            var n = int.Parse(properties["seq"], CultureInfo.InvariantCulture);
            Assert.Equal(Body(n, padding), message.Payload);
            Assert.Equal($"m-{n}", properties["$.mid"]);
            Assert.Equal($"c-{n % 7}", properties["$.cid"]);
            Assert.Equal("application/json", properties["$.ct"]);
            Assert.Equal("utf-8", properties["$.ce"]);
            Assert.Equal("a b&c", properties["note"]);
            Assert.Equal("output1", properties["$.on"]);
            Assert.Contains($"devices/{DeviceId}/modules/{UpstreamModuleId}/messages/events/", message.Topic, StringComparison.Ordinal);
            if (seen.Add(n))
            {
                firstArrivals.Add(n);
            }
            else
            {
                duplicates++;
            }
        }

        // In order per endpoint: a re-sent batch may repeat messages, but nothing arrives before an older one.
        Assert.Equal(firstArrivals.Order(), firstArrivals);

        return duplicates;
    }

    public void Dispose()
    {
        Receiving.Dispose();
        Upstream.Dispose();
        _folder.Delete(recursive: true);
    }
}
