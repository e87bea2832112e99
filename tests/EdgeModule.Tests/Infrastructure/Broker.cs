using System.Diagnostics;
using System.Globalization;
using EdgeModule.Tests.Shared;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>
/// Debian's mosquitto on a free 127.0.0.1 port (outside the ephemeral range, see <see cref="LoopbackPorts"/>) with its
/// own config in a temp folder. Ready when it logs "running" (no sleep). <see cref="Stop"/> kills it by PID;
/// <see cref="Start"/> brings it back on the same port with in-memory state only (what a restarted broker without
/// persistence has). Killed in <see cref="Dispose"/>.
/// </summary>
public sealed class Broker : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-broker-");
    private readonly string _config;
    private Process? _process;

    public Broker(bool start = true)
    {
        _config = Path.Combine(_folder.FullName, "mosquitto.conf");
        if (start)
        {
            _process = MosquittoProcess.StartOnFreePorts(WriteConfig, TestTimeouts.Signal);
        }
        else
        {
            WriteConfig();
        }
    }

    public int Port { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        _process = MosquittoProcess.Start(_config, TestTimeouts.Signal);
    }

    /// <summary>
    /// SIGSTOP by PID: the broker keeps its sockets and sessions but answers nothing (an upstream that hangs) until
    /// <see cref="Resume"/>.
    /// </summary>
    public void Pause() => Assert.Equal(0, Posix.Kill(_process!.Id, 19));

    /// <summary>SIGCONT by PID: the paused broker goes on where it stopped.</summary>
    public void Resume() => Assert.Equal(0, Posix.Kill(_process!.Id, 18));

    /// <summary>SIGKILL by PID: the broker is gone at once, with its sessions.</summary>
    public void Stop()
    {
        if (_process is { } process)
        {
            process.Kill();
            process.WaitForExit(TestTimeouts.Signal);
            process.Dispose();
            _process = null;
        }
    }

    public void Dispose()
    {
        Stop();
        _folder.Delete(recursive: true);
    }

    private string WriteConfig()
    {
        Port = LoopbackPorts.Next();

        // max_queued_messages: the module's persistent session must hold everything sent while it restarts.
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $"""
            user root
            persistence false
            allow_anonymous true
            max_queued_messages 0
            max_inflight_messages 1000
            {MosquittoProcess.StderrLog}
            listener {Port} 127.0.0.1
            """));
        return _config;
    }
}
