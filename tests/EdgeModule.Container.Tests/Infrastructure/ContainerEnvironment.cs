using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// A test container's world, as deployment.template.json describes it: the module's env and stop timeout from the
/// manifest, its two bind-mounted folders (host folders in a temp folder, owned by the image's user as the README tells
/// operators to do), plus a receiving broker (its inputs) and an upstream broker on 127.0.0.1, reached with
/// <c>--network host</c>. Producers and the upstream reader are mosquitto_pub / mosquitto_sub.
/// </summary>
internal sealed partial class ContainerEnvironment : IAsyncDisposable
{
    public const string DeviceId = "ct-device";
    public const string ModuleId = "edgemodule";
    public const string UpstreamModuleId = "edgemodule-up";

    private const UnixFileMode Mode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-container-");
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];
    private readonly List<IDisposable> _owned = [];
    private readonly List<ModuleContainer> _containers = [];

    public ContainerEnvironment(string image, bool upstreamRunning = true)
    {
        Image = image;
        Manifest = DeploymentManifest.Load();
        Receiving = new Broker();
        Upstream = new Broker(start: upstreamRunning);
        // 0755 (the temp folder itself is 0700): the module's user must reach the folders it is given.
        _folder.UnixFileMode = Mode755;
        Directory.CreateDirectory(HostStorage, Mode755);
        Directory.CreateDirectory(HostBackup, Mode755);
    }

    public string Image { get; }

    public DeploymentManifest Manifest { get; }

    public Broker Receiving { get; }

    public Broker Upstream { get; }

    public string HostStorage => Path.Combine(_folder.FullName, "storage");

    public string HostBackup => Path.Combine(_folder.FullName, "backup");

    /// <summary>The complete backup generations in the backup folder, oldest first.</summary>
    public string[] Generations => [.. Directory.GetFiles(HostBackup, "backup-*.ebk").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    /// <summary>The image's user (USER of the Dockerfile), as uid:gid.</summary>
    public async Task<string> GetImageUserAsync() => (await Docker.Client.Images.InspectImageAsync(Image)).Config?.User ?? "";

    /// <summary>
    /// <c>chown</c> of host folders (<c>storage</c>, <c>backup</c>; none named: both) to the image's user, done by a
    /// throwaway root container of the same image (no network), so the test needs no root on the host.
    /// </summary>
    public async Task GiveFoldersToModuleUserAsync(params string[] folders) =>
        await RunAsRootAsync("chown", [await GetImageUserAsync(), .. (folders.Length > 0 ? folders : ["storage", "backup"]).Select(f => "/f/" + f)]);

    /// <summary>Starts a container of the image the way the manifest deploys it, plus the test brokers.</summary>
    public async Task<ModuleContainer> StartAsync(string role, params (string Name, string Value)[] extra)
    {
        var binds = Manifest.Binds.Select(b => (
            b.Container == Manifest.Env["StorageFolder"] ? HostStorage
                : b.Container == Manifest.Env["BackupFolder"] ? HostBackup
                : throw new InvalidOperationException($"The manifest binds {b.Container}, which is neither StorageFolder nor BackupFolder"),
            b.Container));
        var container = await ModuleContainer.StartAsync(Image, $"edgemodule-ct-{_id}-{role}", Manifest.StopTimeout, [.. binds], Variables(extra));
        _containers.Add(container);
        return container;
    }

    /// <summary>Starts a container and waits until its inputs client is connected (it then accepts messages).</summary>
    public async Task<ModuleContainer> StartConnectedAsync(string role, params (string Name, string Value)[] extra)
    {
        var container = await StartAsync(role, extra);
        await container.WaitForLineAsync($"MQTT client {DeviceId}/{ModuleId} connected");
        return container;
    }

    /// <summary>Publishes <c>{"n":from}</c>..<c>{"n":to-1}</c> to the module's input (QoS 1, one mosquitto_pub, every PUBACK awaited).</summary>
    public async Task PublishAsync(int from, int to)
    {
        var topic = $"devices/{DeviceId}/modules/{ModuleId}/inputs/input1/";
        using var publisher = Process.Start(new ProcessStartInfo("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port(Receiving), "-q", "1", "-i", $"producer-{_id}", "-t", topic, "-l"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        })!;
        for (var n = from; n < to; n++)
        {
            await publisher.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $$"""{"n":{{n}}}"""));
        }

        publisher.StandardInput.Close();
        await publisher.WaitForExitAsync().WaitAsync(TestTimeouts.Flow);
        Assert.True(publisher.ExitCode == 0, "mosquitto_pub failed: " + await publisher.StandardError.ReadToEndAsync());
    }

    /// <summary>mosquitto_sub on the upstream broker, reading what the module forwarded; returns once subscribed.</summary>
    public async Task<LoggedProcess> SubscribeUpstreamAsync()
    {
        // stdbuf: line-buffered, or its debug lines (SUBACK) wait in a pipe buffer.
        var reader = new LoggedProcess("stdbuf",
            ["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", Port(Upstream), "-q", "1", "-v", "-d", "-i", $"upstream-{_id}", "-t", $"devices/{DeviceId}/modules/+/messages/events/#"]);
        _owned.Add(reader);
        await reader.WaitForLineAsync("received SUBACK", TestTimeouts.Signal);
        return reader;
    }

    /// <summary>Waits until the upstream saw every message of [from, to) on the module's output1 (duplicates allowed: at-least-once).</summary>
    public static Task ReceiveAllAsync(LoggedProcess upstream, int from, int to)
    {
        var missing = Enumerable.Range(from, to - from).ToHashSet();
        return upstream.WaitUntilAsync(
            line =>
            {
                var match = ForwardedLine().Match(line);
                if (match.Success)
                {
                    missing.Remove(int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
                }

                return missing.Count == 0;
            },
            $"delivery upstream of all of {from}..{to - 1}",
            TestTimeouts.Flow);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Receiving.Dispose();
        Upstream.Dispose();
        // What the module wrote belongs to its user; removed the same way, as root in a container.
        await RunAsRootAsync("rm", "-rf", "/f/storage", "/f/backup");
        _folder.Delete(recursive: true);
    }

    private static string Port(Broker broker) => broker.Port.ToString(CultureInfo.InvariantCulture);

    private Dictionary<string, string> Variables((string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(Manifest.Env, StringComparer.Ordinal)
        {
            ["MqttHost"] = "127.0.0.1",
            ["MqttPort"] = Port(Receiving),
            ["MqttDeviceId"] = DeviceId,
            ["MqttModuleId"] = ModuleId,
            ["UpstreamMqttHost"] = "127.0.0.1",
            ["UpstreamMqttPort"] = Port(Upstream),
            ["UpstreamMqttDeviceId"] = DeviceId,
            ["UpstreamMqttModuleId"] = UpstreamModuleId,
            ["StatsIntervalSecs"] = "1",
        };
        foreach (var (name, value) in extra)
        {
            env[name] = value;
        }

        return env;
    }

    /// <summary>A throwaway container of the image that runs <paramref name="command"/> as root on the temp folder (/f), no network.</summary>
    private async Task RunAsRootAsync(string command, params string[] arguments)
    {
        var container = new ContainerBuilder(Image)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithLabel(Docker.Label, Docker.RunId)
            .WithEntrypoint(command)
            .WithCommand(arguments)
            .WithBindMount(_folder.FullName, "/f")
            .WithCreateParameterModifier(p =>
            {
                p.User = "0:0";
                (p.HostConfig ??= new()).NetworkMode = "none";
            })
            .Build();
        await using (container)
        {
            await container.StartAsync();
            var exitCode = await container.GetExitCodeAsync().WaitAsync(TestTimeouts.Signal);
            var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false);
            Assert.True(exitCode == 0, $"'{command} {string.Join(' ', arguments)}' as root exited with {exitCode}: {stdout}{stderr}");
        }
    }

    [GeneratedRegex($@"^devices/{DeviceId}/modules/{UpstreamModuleId}/messages/events/\S*%24\.on=output1\S* \{{""n"":(\d+)\}}$", RegexOptions.CultureInvariant)]
    private static partial Regex ForwardedLine();
}
