using System.Diagnostics;
using System.Globalization;
using EdgeModule.Tests.Shared;

namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>
/// Debian's mosquitto on free 127.0.0.1 ports (outside the ephemeral range, see <see cref="LoopbackPorts"/>): a plain
/// listener and a TLS listener (CA made by openssl). Readiness is the broker's own "running" log line, not a sleep.
/// <see cref="Kill"/> stops it by PID (SIGKILL); <see cref="Start"/> brings it back on the same ports. Killed in <see cref="Dispose"/>.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private readonly TestCertificates _certificates;
    private readonly string? _extraConfig;
    private string _configFile = "";
    private Process? _process;

    public MosquittoBroker(TestCertificates certificates, string? extraConfig = null)
    {
        _certificates = certificates;
        _extraConfig = extraConfig;
        _process = MosquittoProcess.StartOnFreePorts(WriteConfig, TestTimeouts.Signal);
    }

    public int Port { get; private set; }

    public int TlsPort { get; private set; }

    public int? ProcessId => _process?.Id;

    public void Start()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        _process = MosquittoProcess.Start(_configFile, TestTimeouts.Signal);
    }

    /// <summary>SIGKILL by PID: no clean shutdown, clients see the connection drop.</summary>
    public void Kill()
    {
        if (_process is { } process)
        {
            process.Kill();
            process.WaitForExit(TestTimeouts.Signal);
            process.Dispose();
            _process = null;
        }
    }

    public void Dispose() => Kill();

    private string WriteConfig()
    {
        Port = LoopbackPorts.Next();
        TlsPort = LoopbackPorts.Next();
        _configFile = Path.Combine(_certificates.Directory, $"mosquitto-{Port}.conf");

        // mosquitto 2.x needs allow_anonymous with an explicit listener; `user root` stops it dropping to the
        // mosquitto user, which could not read the 0600 test keys. $iothub/... topics need nothing special:
        // mosquitto only reserves $SYS (and $CONTROL), and explicit "$iothub/..." filters match "$" topics.
        var config = string.Create(CultureInfo.InvariantCulture, $"""
            user root
            persistence false
            allow_anonymous true
            max_queued_messages 200000
            max_inflight_messages 100
            {MosquittoProcess.StderrLog}
            listener {Port} 127.0.0.1
            listener {TlsPort} 127.0.0.1
            cafile {_certificates.CaFile}
            certfile {_certificates.ServerCertFile}
            keyfile {_certificates.ServerKeyFile}
            {_extraConfig}
            """);
        File.WriteAllText(_configFile, config);
        return _configFile;
    }
}
