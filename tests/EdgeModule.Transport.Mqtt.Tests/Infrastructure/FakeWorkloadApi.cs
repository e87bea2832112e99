using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>
/// Stands in for aziot-edged's workload API on a unix socket (the real daemon cannot run here): HTTP/1.1 with
/// <c>Connection: close</c>, answering the documented sign and trust-bundle requests. It signs with
/// <see cref="ModuleKey"/> so tests can check the SAS token against it.
/// </summary>
internal sealed class FakeWorkloadApi : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly string _trustBundle;
    private readonly Task _acceptLoop;

    public FakeWorkloadApi(string trustBundlePem)
    {
        _trustBundle = trustBundlePem;
        SocketPath = Path.Combine(Path.GetTempPath(), $"workload-{Guid.NewGuid():N}.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public byte[] ModuleKey { get; } = RandomNumberGenerator.GetBytes(32);

    public string SocketPath { get; }

    public Uri Uri => new("unix://" + SocketPath);

    /// <summary>"METHOD path" of every request, in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The decoded data of every sign request.</summary>
    public ConcurrentQueue<string> SignedData { get; } = new();

    public void Dispose()
    {
        _listener.Dispose();
        _acceptLoop.Wait(TestTimeouts.Signal);
        File.Delete(SocketPath);
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            // One task per connection, so an idle or half-closed client cannot stall the others or Dispose.
            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    try
                    {
                        await ServeAsync(connection);
                    }
                    catch (IOException)
                    {
                        // The client went away mid-exchange; nothing to answer.
                    }
                }
            });
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        using var stream = new NetworkStream(connection);
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync() ?? string.Empty;
        var contentLength = 0;
        for (var header = await reader.ReadLineAsync(); !string.IsNullOrEmpty(header); header = await reader.ReadLineAsync())
        {
            if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // Only read when there is a body: a zero-length read on StreamReader waits for more bytes.
        var body = new char[contentLength];
        if (contentLength > 0)
        {
            await reader.ReadBlockAsync(body);
        }
        var parts = requestLine.Split(' ');
        Requests.Enqueue($"{parts[0]} {parts[1]}");
        var (status, json) = Route(parts[0], parts[1], new string(body));
        var payload = Encoding.UTF8.GetBytes(json);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(payload);
    }

    private (string Status, string Json) Route(string method, string path, string body)
    {
        if (method == "GET" && path.StartsWith("/trust-bundle?api-version=", StringComparison.Ordinal))
        {
            return ("200 OK", new JsonObject { ["certificate"] = _trustBundle }.ToJsonString());
        }

        if (method == "POST" && path.Contains("/sign?api-version=", StringComparison.Ordinal))
        {
            var request = JsonNode.Parse(body)!;
            if ((string?)request["keyId"] != "primary" || (string?)request["algo"] != "HMACSHA256")
            {
                return ("400 Bad Request", "{\"message\":\"bad sign request\"}");
            }

            var data = Convert.FromBase64String((string)request["data"]!);
            SignedData.Enqueue(Encoding.UTF8.GetString(data));
            return ("200 OK", JsonSerializer.Serialize(new { digest = Convert.ToBase64String(HMACSHA256.HashData(ModuleKey, data)) }));
        }

        return ("404 Not Found", "{\"message\":\"not found\"}");
    }
}
