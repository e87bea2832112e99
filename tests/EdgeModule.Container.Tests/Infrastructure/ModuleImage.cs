[assembly: AssemblyFixture(typeof(EdgeModule.Container.Tests.Infrastructure.ModuleImage))]

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// The module's image, built once per test run from Dockerfile.amd64 as it is (BuildKit, host network, the repository
/// as context). The base images it names must be on the machine (eng/setup-docker.sh builds local stand-ins); BuildKit's
/// cache makes a build without changes a matter of seconds. At the end of the run, the containers this run labelled are
/// removed (another run's, which may be going on beside it, are left alone).
/// </summary>
public sealed class ModuleImage : IAsyncDisposable
{
    public const string Dockerfile = "Dockerfile.amd64";
    public const string Tag = "edgemodule:container-test";

    /// <summary>A cold build restores and publishes the module on a loaded 2-core machine.</summary>
    private static readonly TimeSpan _buildTimeout = TimeSpan.FromMinutes(20);

    private readonly Lazy<Task<string>> _build = new(() => Task.Run(Build));

    private volatile bool _used;

    public ModuleImage() => Docker.Configure();

    /// <summary>Skips or fails (see <see cref="Docker.Require"/>) without an engine; otherwise the tag, once built.</summary>
    public Task<string> GetAsync()
    {
        Docker.Require([.. BaseImages()]);
        _used = true;
        return _build.Value;
    }

    public async ValueTask DisposeAsync()
    {
        if (_used)
        {
            await Docker.RemoveLabelledContainersAsync(Docker.RunId);
        }
    }

    /// <summary>The images Dockerfile.amd64 builds FROM (its ARG defaults).</summary>
    public static IEnumerable<string> BaseImages() =>
        Repository.DockerfileArgs(Dockerfile).Where(a => a.Key.EndsWith("_IMAGE", StringComparison.Ordinal)).Select(a => a.Value);

    private static string Build()
    {
        var result = Docker.Run(
            ["build", "--network", "host", "--platform", "linux/amd64", "--progress", "plain", "-f", Repository.PathOf(Dockerfile), "-t", Tag, Repository.Root],
            _buildTimeout,
            buildKit: true);
        if (result.ExitCode != 0)
        {
            var tail = string.Join('\n', (result.Output + result.Error).Split('\n').TakeLast(60));
            throw new InvalidOperationException($"docker build -f {Dockerfile} failed ({result.ExitCode}):\n{tail}");
        }

        return Tag;
    }
}
