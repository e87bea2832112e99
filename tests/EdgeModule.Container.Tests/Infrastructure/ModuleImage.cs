using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;

[assembly: AssemblyFixture(typeof(EdgeModule.Container.Tests.Infrastructure.ModuleImage))]

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// The module's image, built once per test run from Dockerfile.amd64 as it is, by Testcontainers'
/// ImageFromDockerfileBuilder: the engine's classic builder (its BuildKit builder looks base images up at a registry,
/// which cannot be reached here), the build's network the host's (set through the create parameters; there is no
/// bridge), the repository as context (Testcontainers applies .dockerignore). The base images it names must be on the
/// machine (eng/setup-docker.sh builds local stand-ins); the builder's layer cache makes a build without changes a
/// matter of seconds. At the end of the run, the containers this run labelled and its tag are removed (another run's,
/// which may be going on beside it, are left alone; the layers stay as the builder's cache).
/// </summary>
public sealed class ModuleImage : IAsyncDisposable
{
    public const string Dockerfile = "Dockerfile.amd64";

    /// <summary>This run's own tag: another run on the machine (another clone) cannot retag it under the tests' feet.</summary>
    public static readonly string Tag = $"edgemodule:container-test-{Docker.RunId[..12]}";

    /// <summary>A cold build restores and publishes the module on a loaded 2-core machine.</summary>
    private static readonly TimeSpan _buildTimeout = TimeSpan.FromMinutes(20);

    private readonly Lazy<Task<string>> _build = new(BuildAsync);
    private volatile bool _used;

    public ModuleImage() => Docker.Configure();

    /// <summary>Skips or fails (see <see cref="Docker.RequireAsync"/>) without an engine; otherwise the tag, once built.</summary>
    public async Task<string> GetAsync()
    {
        await Docker.RequireAsync([.. BaseImages()]);
        _used = true;
        return await _build.Value;
    }

    public async ValueTask DisposeAsync()
    {
        if (_used)
        {
            await Docker.RemoveLabelledContainersAsync(Docker.RunId);
            if (_build.IsValueCreated && _build.Value.IsCompletedSuccessfully)
            {
                await Docker.Client.Images.DeleteImageAsync(Tag, new ImageDeleteParameters { NoPrune = true });
            }
        }
    }

    /// <summary>The images Dockerfile.amd64 builds FROM (its ARG defaults).</summary>
    public static IEnumerable<string> BaseImages() =>
        Repository.DockerfileArgs(Dockerfile).Where(a => a.Key.EndsWith("_IMAGE", StringComparison.Ordinal)).Select(a => a.Value);

    private static async Task<string> BuildAsync()
    {
        var image = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(Repository.Root)
            .WithDockerfile(Dockerfile)
            .WithName(Tag)
            .WithImageBuildPolicy(PullPolicy.Always)
            .WithDeleteIfExists(false)
            .WithCleanUp(false)
            .WithCreateParameterModifier(p => p.NetworkMode = "host")
            .Build();
        using var timeout = new CancellationTokenSource(_buildTimeout);
        await image.CreateAsync(timeout.Token);
        return Tag;
    }
}
