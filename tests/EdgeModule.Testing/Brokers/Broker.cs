using System.Diagnostics;
using System.Globalization;
using EdgeModule.Tests.Shared;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>
/// The one mosquitto launcher of the tests: Debian's mosquitto on a free 127.0.0.1 port (outside the ephemeral range,
/// see <see cref="LoopbackPorts"/>), plus a TLS listener when given a server certificate, with its own config in a temp
/// folder. Ready when it logs "running" (no sleep). <see cref="Stop"/> (or <see cref="Kill"/>) kills it by PID;
/// <see cref="Start"/> brings it back on the same ports with in-memory state only (what a restarted broker without
/// persistence has). Killed on dispose.
/// </summary>
public class Broker : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-broker-");
    private readonly string _config;
    private readonly BrokerTls? _tls;
    private readonly string? _extraConfig;
    private readonly int _maxInflightMessages;
    private Process? _process;

    public Broker(bool start = true)
        : this(start, tls: null)
    {
    }

    /// <param name="start">start now (else: config written, ports chosen, <see cref="Start"/> starts it).</param>
    /// <param name="tls">a TLS listener on <see cref="TlsPort"/> with this CA and server certificate.</param>
    /// <param name="extraConfig">more mosquitto.conf lines, applied to every listener (e.g. require_certificate).</param>
    /// <param name="maxInflightMessages">QoS 1 messages in flight to a client at once.</param>
    protected Broker(bool start, BrokerTls? tls, string? extraConfig = null, int maxInflightMessages = 1000)
    {
        _tls = tls;
        _extraConfig = extraConfig;
        _maxInflightMessages = maxInflightMessages;
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

    /// <summary>The TLS listener's port (0 without TLS).</summary>
    public int TlsPort { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => _process?.Id;

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

    /// <summary>SIGKILL by PID: the broker is gone at once, with its sessions; clients see the connection drop.</summary>
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

    /// <summary>The same as <see cref="Stop"/>.</summary>
    public void Kill() => Stop();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        Stop();
        _folder.Delete(recursive: true);
    }

    private string WriteConfig()
    {
        Port = LoopbackPorts.Next();
        TlsPort = _tls is null ? 0 : LoopbackPorts.Next();

        // max_queued_messages 0 (no limit): the module's persistent session must hold everything sent while it
        // restarts. mosquitto 2.x needs allow_anonymous with an explicit listener; `user root` stops it dropping to the
        // mosquitto user, which could not read 0600 test keys. $iothub/... topics need nothing special: mosquitto only
        // reserves $SYS (and $CONTROL), and explicit "$iothub/..." filters match "$" topics.
        var tls = _tls is null ? "" : string.Create(CultureInfo.InvariantCulture, $"""
            listener {TlsPort} 127.0.0.1
            cafile {_tls.CaFile}
            certfile {_tls.CertFile}
            keyfile {_tls.KeyFile}
            """);
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $"""
            user root
            persistence false
            allow_anonymous true
            max_queued_messages 0
            max_inflight_messages {_maxInflightMessages}
            {MosquittoProcess.StderrLog}
            listener {Port} 127.0.0.1
            {tls}
            {_extraConfig}
            """));
        return _config;
    }
}
