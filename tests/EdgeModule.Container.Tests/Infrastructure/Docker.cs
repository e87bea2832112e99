using System.Diagnostics;
using System.Text;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// The docker CLI, run as a child process with a bound on every call. Which CLI: <c>EDGEMODULE_DOCKER</c>, else
/// <c>docker</c> when it has the buildx plugin, else Debian's docker.io CLI at /usr/bin/docker. The Dockerfiles need
/// BuildKit (<c>$BUILDPLATFORM</c>): a CLI of Docker 23 or later without buildx falls back to the classic builder, which
/// cannot build them, while docker.io's 20.10 CLI has BuildKit built in (DOCKER_BUILDKIT=1).
/// </summary>
internal static class Docker
{
    /// <summary>Set (test.sh sets it after eng/setup-docker.sh): a missing engine or base image fails the tests instead of skipping them.</summary>
    public const string RequiredVariable = "EDGEMODULE_CONTAINER_TESTS";

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
