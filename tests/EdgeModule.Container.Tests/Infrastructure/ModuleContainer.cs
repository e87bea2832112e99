using System.Diagnostics;
using System.Globalization;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// One container of the module's image, started detached (<c>docker run -d</c>) and followed with
/// <c>docker logs -f</c>. Stopped with <c>docker stop -t</c> as IoT Edge stops it; removed in <see cref="Dispose"/>.
/// </summary>
internal sealed class ModuleContainer : IDisposable
{
    private readonly LoggedProcess _logs;
    private bool _disposed;

    private ModuleContainer(string name)
    {
        Name = name;
        _logs = new LoggedProcess(Docker.Cli, ["logs", "--follow", name]);
    }

    public string Name { get; }

    /// <summary>Everything the module printed so far (complete once <see cref="StopAsync"/> returned).</summary>
    public string Output => _logs.Output;

    /// <summary>The container's state as docker keeps it after the exit: exit code and whether the kernel killed it for memory.</summary>
    public (int ExitCode, bool OomKilled) State
    {
        get
        {
            var state = Docker.Check(["inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}", Name]).Split(' ');
            return (int.Parse(state[0], CultureInfo.InvariantCulture), bool.Parse(state[1]));
        }
    }

    /// <summary><c>docker run -d --name <paramref name="name"/> <paramref name="options"/> <paramref name="image"/></c>.</summary>
    public static ModuleContainer Run(string image, string name, IEnumerable<string> options)
    {
        Docker.Check(["run", "--detach", "--name", name, .. options, image]);
        return new ModuleContainer(name);
    }

    public Task WaitForLineAsync(string pattern, TimeSpan? timeout = null) => _logs.WaitForLineAsync(pattern, timeout ?? TestTimeouts.Signal);

    /// <summary>A command inside the running container (as its user); its output.</summary>
    public string Exec(params string[] command) => Docker.Check(["exec", Name, .. command]);

    /// <summary><c>docker update --cpus</c>: the CPU the container may use from now on (1.0 = one core).</summary>
    public void LimitCpus(double cpus) => Docker.Check(["update", "--cpus", cpus.ToString(CultureInfo.InvariantCulture), Name]);

    /// <summary>
    /// <c>docker stop -t <paramref name="timeoutSeconds"/></c>: SIGTERM, then SIGKILL if the module has not exited by
    /// then. Returns once the container stopped and its log was read to the end, with the time docker stop took.
    /// </summary>
    public async Task<TimeSpan> StopAsync(int timeoutSeconds)
    {
        var started = Stopwatch.GetTimestamp();
        Docker.Check(["stop", "--time", timeoutSeconds.ToString(CultureInfo.InvariantCulture), Name], TimeSpan.FromSeconds(timeoutSeconds) + TestTimeouts.Signal);
        var took = Stopwatch.GetElapsedTime(started);
        await _logs.WaitForExitAsync(TestTimeouts.Signal);
        return took;
    }

    /// <summary>Waits (<c>docker wait</c>) for a container that stops by itself, and for the end of its log.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        Docker.Check(["wait", Name], timeout);
        await _logs.WaitForExitAsync(TestTimeouts.Signal);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _logs.Dispose();
        Docker.Run(["rm", "--force", "--volumes", Name], TestTimeouts.Signal);
    }
}
