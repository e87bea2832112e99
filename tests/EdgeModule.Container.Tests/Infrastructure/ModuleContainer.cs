using System.Diagnostics;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// One container of the module's image, run with Testcontainers as IoT Edge runs it (host network, the manifest's stop
/// timeout set at creation, so a plain stop gives the module that long), its output followed line by line. Removed on
/// dispose; every container also carries <see cref="Docker.Label"/>, by which the run cleans up what a failed test
/// left (Ryuk, Testcontainers' reaper, cannot be pulled here).
/// </summary>
internal sealed class ModuleContainer : IAsyncDisposable
{
    private readonly IContainer _container;
    private readonly LineLog _log;
    private readonly LineStream _stdout;
    private readonly LineStream _stderr;
    private string? _completeOutput;
    private bool _disposed;

    private ModuleContainer(IContainer container, LineLog log, LineStream stdout, LineStream stderr)
    {
        _container = container;
        _log = log;
        _stdout = stdout;
        _stderr = stderr;
    }

    public string Name => _container.Name.TrimStart('/');

    /// <summary>Everything the module printed so far; all of it once <see cref="StopAsync"/> or <see cref="WaitForExitAsync"/> returned.</summary>
    public string Output => _completeOutput ?? _log.Output;

    /// <summary>
    /// Creates and starts a container of <paramref name="image"/> on the host network with these bind mounts and
    /// variables; <paramref name="stopTimeoutSeconds"/> is its StopTimeout (what a stop without a timeout waits before
    /// SIGKILL).
    /// </summary>
    public static async Task<ModuleContainer> StartAsync(
        string image, string name, int stopTimeoutSeconds, IEnumerable<(string Host, string Target)> binds, IReadOnlyDictionary<string, string> environment)
    {
        var log = new LineLog(name);
        var stdout = new LineStream(log);
        var stderr = new LineStream(log);
        var builder = new ContainerBuilder(image)
            .WithName(name)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithLabel(Docker.Label, Docker.RunId)
            .WithEnvironment(environment.ToDictionary(StringComparer.Ordinal))
            .WithOutputConsumer(Consume.RedirectStdoutAndStderrToStream(stdout, stderr))
            .WithCreateParameterModifier(p =>
            {
                // Host networking and the stop timeout go through the create parameters (WithNetwork("host") attaches
                // a network rather than giving the host's).
                (p.HostConfig ??= new()).NetworkMode = "host";
                p.StopTimeout = TimeSpan.FromSeconds(stopTimeoutSeconds);
            });
        foreach (var (host, target) in binds)
        {
            builder = builder.WithBindMount(host, target);
        }

        var container = builder.Build();
        await container.StartAsync();
        return new ModuleContainer(container, log, stdout, stderr);
    }

    /// <summary>The container's state as docker keeps it after the exit: exit code and whether the kernel killed it for memory.</summary>
    public async Task<(int ExitCode, bool OomKilled)> GetStateAsync()
    {
        var state = (await Docker.Client.Containers.InspectContainerAsync(_container.Id)).State
            ?? throw new InvalidOperationException($"docker inspect {Name} has no state");
        return ((int)state.ExitCode, state.OOMKilled);
    }

    public Task WaitForLineAsync(string pattern, TimeSpan? timeout = null) => _log.WaitForLineAsync(pattern, timeout ?? TestTimeouts.Signal);

    /// <summary>A command inside the running container (as its user); its output.</summary>
    public async Task<string> ExecAsync(params string[] command)
    {
        var result = await _container.ExecAsync(command);
        Assert.True(result.ExitCode == 0, $"'{string.Join(' ', command)}' in {Name} exited with {result.ExitCode}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary><c>docker update --cpus</c>: the CPU the container may use from now on (1.0 = one core).</summary>
    public Task LimitCpusAsync(double cpus) =>
        Docker.Client.Containers.UpdateContainerAsync(_container.Id, new ContainerUpdateParameters { NanoCPUs = (long)(cpus * 1e9) });

    /// <summary>
    /// Stops the container as IoT Edge does: SIGTERM, then SIGKILL after the stop timeout it was created with, or after
    /// <paramref name="timeoutSeconds"/> (<c>docker stop -t</c>). Returns once it stopped, with the time the stop took.
    /// </summary>
    public async Task<TimeSpan> StopAsync(int? timeoutSeconds = null)
    {
        var started = Stopwatch.GetTimestamp();
        if (timeoutSeconds is { } seconds)
        {
            await Docker.Client.Containers.StopContainerAsync(_container.Id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)seconds })
                .WaitAsync(TimeSpan.FromSeconds(seconds) + TestTimeouts.Signal);
        }
        else
        {
            await _container.StopAsync().WaitAsync(TestTimeouts.Flow);
        }

        var took = Stopwatch.GetElapsedTime(started);
        await ReadCompleteOutputAsync();
        return took;
    }

    /// <summary>Waits for a container that stops by itself.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        await _container.GetExitCodeAsync().WaitAsync(timeout);
        await ReadCompleteOutputAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _container.DisposeAsync();
        await _stdout.DisposeAsync();
        await _stderr.DisposeAsync();
    }

    /// <summary>The followed stream may trail the exit: the engine's copy of the log is complete.</summary>
    private async Task ReadCompleteOutputAsync()
    {
        var (stdout, stderr) = await _container.GetLogsAsync(timestampsEnabled: false).WaitAsync(TestTimeouts.Signal);
        _completeOutput = stdout + stderr;
    }
}
