using System.Diagnostics;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// The Docker engine, two ways. Containers run through Testcontainers and its Docker.DotNet client (<see cref="Client"/>:
/// stop with a timeout, CPU limits, inspect, clean-up by <see cref="Label"/>). The image is built with the docker CLI
/// and BuildKit, because the Dockerfiles need BuildKit (<c>FROM --platform=$BUILDPLATFORM</c>; the classic builder of
/// Testcontainers' ImageFromDockerfileBuilder fails on it, and its BuildKit builder looks base images up at a
/// registry, which cannot be reached here). Which CLI: <c>EDGEMODULE_DOCKER</c>, else <c>docker</c> when it has the
/// buildx plugin, else Debian's docker.io CLI at /usr/bin/docker (BuildKit built in with DOCKER_BUILDKIT=1).
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

    private static readonly Lazy<string> _cli = new(ResolveCli);
    private static readonly Lazy<string?> _engineProblem = new(() =>
    {
        try
        {
            var info = Run(["version", "--format", "{{.Server.Version}}"], TestTimeouts.Signal);
            return info.ExitCode == 0 ? null : $"no Docker engine answers ('{Cli} version': {info.Error.Trim()})";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"no docker CLI ('{Cli}': {e.Message})";
        }
    });

    public static string Cli => _cli.Value;

    public static DockerClient Client => _client.Value;

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

    /// <summary>Removes every container of the run <paramref name="runId"/> (by <see cref="Label"/>).</summary>
    public static async Task RemoveLabelledContainersAsync(string runId)
    {
        var filter = $"{Label}={runId}";
        var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
            {
                ["label"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [filter] = true },
            },
        });
        foreach (var container in containers)
        {
            await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }
    }

    public static bool Required => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RequiredVariable));

    /// <summary>Skips the test when the engine or <paramref name="images"/> are missing, unless the container tests are required.</summary>
    public static void Require(params string[] images)
    {
        var problem = _engineProblem.Value;
        var missing = problem is null ? images.Where(i => Run(["image", "inspect", i], TestTimeouts.Signal).ExitCode != 0).ToList() : [];
        if (problem is null && missing.Count > 0)
        {
            // Never pulled from here: eng/setup-docker.sh builds local stand-ins (this machine cannot pull).
            problem = $"base image(s) {string.Join(", ", missing)} not on this machine";
        }

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

    /// <summary>Runs the CLI and returns its exit code and output.</summary>
    /// <exception cref="TimeoutException">it did not exit within <paramref name="timeout"/>; it has been killed.</exception>
    public static DockerResult Run(IReadOnlyList<string> arguments, TimeSpan timeout, bool buildKit = false)
    {
        var info = new ProcessStartInfo(Cli, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (buildKit)
        {
            info.Environment["DOCKER_BUILDKIT"] = "1";
        }

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TestTimeouts.Signal);
            throw new TimeoutException($"'{Cli} {string.Join(' ', arguments)}' did not finish within {timeout}:\n{output}{error}");
        }

        process.WaitForExit();
        lock (output)
        {
            lock (error)
            {
                return new DockerResult(process.ExitCode, output.ToString(), error.ToString());
            }
        }
    }

    /// <summary>Like <see cref="Run"/>, but a non-zero exit code fails the test with the output.</summary>
    public static string Check(IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var result = Run(arguments, timeout ?? TestTimeouts.Signal);
        Assert.True(result.ExitCode == 0, $"'{Cli} {string.Join(' ', arguments)}' exited with {result.ExitCode}:\n{result.Output}{result.Error}");
        return result.Output.Trim();
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is not null)
        {
            lock (to)
            {
                to.Append(line).Append('\n');
            }
        }
    }

    private static string ResolveCli()
    {
        if (Environment.GetEnvironmentVariable("EDGEMODULE_DOCKER") is { Length: > 0 } cli)
        {
            return cli;
        }

        try
        {
            using var buildx = Process.Start(new ProcessStartInfo("docker", ["buildx", "version"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (buildx is not null && buildx.WaitForExit(TestTimeouts.Signal) && buildx.ExitCode == 0)
            {
                return "docker";
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No docker on PATH.
        }

        return File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
    }
}
