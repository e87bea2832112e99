using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeModule.Transport.Mqtt.Auth;

/// <summary>
/// The IoT Edge workload API (aziot-edged), usually HTTP over <c>unix:///var/run/iotedge/workload.sock</c>:
/// <c>POST /modules/{m}/genid/{gen}/sign?api-version=…</c> with <c>{"keyId":"primary","algo":"HMACSHA256","data":base64}</c>
/// answers <c>{"digest":base64}</c>; <c>GET /trust-bundle?api-version=…</c> answers <c>{"certificate":PEM}</c>.
/// </summary>
internal sealed class WorkloadApiClient : ISasTokenSigner, IDisposable
{
    private readonly HttpClient _http;
    private readonly string _moduleId;
    private readonly string _generationId;
    private readonly string _apiVersion;

    public WorkloadApiClient(Uri workloadUri, string moduleId, string generationId, string apiVersion)
    {
        _moduleId = moduleId;
        _generationId = generationId;
        _apiVersion = apiVersion;
        if (workloadUri.Scheme == "unix")
        {
            var socketPath = workloadUri.AbsolutePath;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            _http = new HttpClient(handler) { BaseAddress = new Uri("http://workload/") };
        }
        else
        {
            _http = new HttpClient { BaseAddress = workloadUri };
        }

        _http.Timeout = TimeSpan.FromSeconds(30);
    }

    public async Task<string> SignAsync(string data, CancellationToken cancellationToken)
    {
        var path = string.Create(
            CultureInfo.InvariantCulture,
            $"modules/{Uri.EscapeDataString(_moduleId)}/genid/{Uri.EscapeDataString(_generationId)}/sign?api-version={Uri.EscapeDataString(_apiVersion)}");
        var request = new SignRequest("primary", "HMACSHA256", Convert.ToBase64String(Encoding.UTF8.GetBytes(data)));
        // A byte body sends Content-Length instead of chunked encoding, which every workload API implementation accepts.
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, WorkloadJsonContext.Default.SignRequest));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "sign", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync(WorkloadJsonContext.Default.SignResponse, cancellationToken).ConfigureAwait(false);
        return body?.Digest is { Length: > 0 } digest
            ? digest
            : throw new MqttTransportException("The workload API sign response has no 'digest'.");
    }

    public async Task<string> GetTrustBundleAsync(CancellationToken cancellationToken)
    {
        var path = $"trust-bundle?api-version={Uri.EscapeDataString(_apiVersion)}";
        using var response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "trust-bundle", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync(WorkloadJsonContext.Default.TrustBundleResponse, cancellationToken)
            .ConfigureAwait(false);
        return body?.Certificate is { Length: > 0 } pem
            ? pem
            : throw new MqttTransportException("The workload API trust-bundle response has no 'certificate'.");
    }

    public void Dispose() => _http.Dispose();

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new MqttTransportException(
                $"The workload API {operation} request failed with {(int)response.StatusCode}: {text}");
        }
    }

    internal sealed record SignRequest(
        [property: JsonPropertyName("keyId")] string KeyId,
        [property: JsonPropertyName("algo")] string Algorithm,
        [property: JsonPropertyName("data")] string Data);

    internal sealed record SignResponse([property: JsonPropertyName("digest")] string? Digest);

    internal sealed record TrustBundleResponse([property: JsonPropertyName("certificate")] string? Certificate);
}
