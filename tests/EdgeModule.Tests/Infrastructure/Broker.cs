using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeModule.Tests.Shared;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>
/// Debian's mosquitto on a free 127.0.0.1 port with its own config in a temp folder. Ready when it logs "running"
/// (no sleep). <see cref="Stop"/> kills it by PID; <see cref="Start"/> brings it back on the same port with in-memory
/// state only (what a restarted broker without persistence has). Killed in <see cref="Dispose"/>.
/// </summary>
public sealed class Broker : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-broker-");
    private readonly string _config;
    private Process? _process;

    public Broker(bool start = true)
    {
        Port = FreePort();
        _config = Path.Combine(_folder.FullName, "mosquitto.conf");

        // max_queued_messages: the module's persistent session must hold everything sent while it restarts.
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $"""
            user root
            persistence false
            allow_anonymous true
            max_queued_messages 0
            max_inflight_messages 1000
            log_dest stderr
            log_type error
            log_type warning
            log_type notice
            log_type information
            listener {Port} 127.0.0.1
            """));
        if (start)
        {
            Start();
        }
    }

    public int Port { get; }

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

    /// <summary>A port nothing listens on now (the OS gives it out; it is released before use).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
