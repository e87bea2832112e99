using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeModule.Transport.Bench;

/// <summary>A throwaway CA (openssl) and a mosquitto with one TLS listener on a free loopback port.</summary>
internal sealed class BenchBroker : IDisposable
{
    private readonly Process _process;

    public BenchBroker()
    {
        Directory = Path.Combine(Path.GetTempPath(), "edgemodule-bench-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Run("openssl", "req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=bench-ca -keyout ca.key -out ca.pem");
        File.WriteAllText(Path.Combine(Directory, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
        Run("openssl", "req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr");
        Run("openssl", "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -extfile san.ext -out server.pem");

        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        // Same broker limits for the baseline and for us: 100 QoS 1 messages in flight towards each subscriber,
        // and room to queue a whole receive run in a persistent session.
        var config = string.Create(CultureInfo.InvariantCulture, $"""
            user root
            persistence false
            allow_anonymous true
            max_inflight_messages 100
            max_queued_messages 1000000
            log_dest none
            listener {Port} 127.0.0.1
            cafile {CaFile}
            certfile {Path.Combine(Directory, "server.pem")}
            keyfile {Path.Combine(Directory, "server.key")}
            """);
        var configFile = Path.Combine(Directory, "mosquitto.conf");
        File.WriteAllText(configFile, config);
        _process = Process.Start(new ProcessStartInfo("/usr/sbin/mosquitto", $"-c {configFile}") { RedirectStandardError = true })!;
        WaitUntilListening();
    }

    public string Directory { get; }

    public int Port { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit(10_000);
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Runs a tool in the broker's folder; throws unless it exits 0 within 5 minutes; returns its stdout.</summary>
    public string Run(string file, string arguments, string? stdin = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = stdin is not null,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(300_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {error.Result}");
        }

        return output.Result;
    }

    private void WaitUntilListening()
    {
        // Bounded: 200 attempts, each a refused loopback connect that returns at once.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(25);
            }
        }

        throw new InvalidOperationException("mosquitto did not start listening");
    }
}
