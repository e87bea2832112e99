using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// The Docker engine as the tests reach it: through Testcontainers, and its Docker.DotNet client (<see cref="Client"/>)
/// for what Testcontainers has no call for (stop with a timeout, CPU limits, inspect, clean-up by <see cref="Label"/>).
/// </summary>
internal static class Docker
{
    /// <summary>Set (test.sh sets it after eng/setup-docker.sh): a missing engine or base image fails the tests instead of skipping them.</summary>
    public const string RequiredVariable = "EDGEMODULE_CONTAINER_TESTS";

    /// <summary>The label on every container of the tests; its value is this run's <see cref="RunId"/>.</summary>
    public const string Label = "edgemodule.container-test";

    public static readonly string RunId = Guid.NewGuid().ToString("N");

    private static readonly Lazy<DockerClient> _client = new(() =>
    {
        Configure();
        return TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(ResourceReaper.DefaultSessionId).Build();
    });

    public static DockerClient Client => _client.Value;

    public static bool Required => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RequiredVariable));

    /// <summary>
    /// What Testcontainers needs against Debian's docker.io 20.10, unless set already: API 1.41 (its client asks for
    /// 1.44, which that engine refuses) and no Ryuk (its image cannot be pulled; containers are removed by label).
    /// Set before Testcontainers first reads its settings.
    /// </summary>
    public static void Configure()
    {
        foreach (var (name, value) in new[] { ("DOCKER_API_VERSION", "1.41"), ("TESTCONTAINERS_RYUK_DISABLED", "true") })
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    /// <summary>Skips the test when the engine or <paramref name="images"/> are missing, unless the container tests are required.</summary>
    public static async Task RequireAsync(params string[] images)
    {
        var problem = await FindProblemAsync(images);
        if (problem is null)
        {
            return;
        }

        var remedy = "run eng/setup-docker.sh (engine and base images) or pull the base images";
        if (Required)
        {
            Assert.Fail($"Container tests are required ({RequiredVariable} is set) but {problem}: {remedy}.");
        }

        Assert.Skip($"Container test skipped: {problem}; {remedy}, or set {RequiredVariable}=1 to make this a failure.");
    }

    /// <summary>Removes every container of the run <paramref name="runId"/> (by <see cref="Label"/>).</summary>
    public static async Task RemoveLabelledContainersAsync(string runId)
    {
        var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
            {
                ["label"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [$"{Label}={runId}"] = true },
            },
        });
        foreach (var container in containers)
        {
            await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }
    }

    private static async Task<string?> FindProblemAsync(string[] images)
    {
        Configure();
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
        {
            return "no Docker engine found (Testcontainers found no endpoint: DOCKER_HOST, ~/.testcontainers.properties, /var/run/docker.sock)";
        }

        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Client.System.PingAsync(bound.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or DockerApiException or OperationCanceledException or TimeoutException)
        {
            return $"no Docker engine answers ({e.GetType().Name}: {e.Message})";
        }

        var missing = new List<string>();
        foreach (var image in images)
        {
            try
            {
                await Client.Images.InspectImageAsync(image);
            }
            catch (DockerImageNotFoundException)
            {
                missing.Add(image); // never pulled from here: eng/setup-docker.sh builds local stand-ins
            }
        }

        return missing.Count > 0 ? $"base image(s) {string.Join(", ", missing)} not on this machine" : null;
    }
}
