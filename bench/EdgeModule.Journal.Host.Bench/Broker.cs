using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>
/// A mosquitto broker on a fixed loopback port (outside the ephemeral range, so it can be stopped and started again on
/// the same port while a module keeps reconnecting to it). No persistence, no queue limit (a session's backlog is never
/// dropped), <c>max_inflight_messages</c> as given.
/// </summary>
internal sealed class Broker : IDisposable
{
    private readonly string _conf;
    private ChildProcess? _process;

    public Broker(string work, string name, int port, int inflight, bool start = true)
    {
        Port = port;
        _conf = Path.Combine(work, name + ".conf");
        File.WriteAllText(_conf, string.Create(CultureInfo.InvariantCulture,
            $"user root\npersistence false\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages {inflight}\nlog_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\nlistener {port} 127.0.0.1\n"));
        if (start)
        {
            Start();
        }
    }

    public int Port { get; }

    public int? Pid => _process?.Pid;

    public void Start()
    {
        if (_process is { HasExited: false })
        {
            return;
        }

        _process?.Dispose();
        _process = new ChildProcess("/usr/sbin/mosquitto", ["-c", _conf]);
        try
        {
            _process.WaitForAsync(" running", TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }
        catch
        {
            _process.Dispose();
            _process = null;
            throw;
        }
    }

    public void Stop()
    {
        if (_process is { HasExited: false } p)
        {
            p.TerminateAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Stop();

    /// <summary>
    /// <paramref name="count"/> ports that can be bound now, from a base in 20000–29999 (below the ephemeral range, where
    /// the kernel never hands one to an outgoing connection) picked from this process's id so two runs rarely collide.
    /// </summary>
    public static int[] FixedPorts(int count)
    {
        var ports = new List<int>();
        for (var port = 20_000 + (Environment.ProcessId % 900 * 10); ports.Count < count && port < 30_000; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                ports.Add(port);
            }
            catch (SocketException)
            {
                // Taken: the next one.
            }
        }

        return [.. ports];
    }
}
