using System.Collections.Concurrent;
using System.Text.Json;
using EdgeModule.Transport.Mqtt.Dialect;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Direct methods: requests on <c>$iothub/methods/POST/{name}/?$rid={rid}</c>, answered on
/// <c>$iothub/methods/res/{status}/?$rid={rid}</c>. A handler per method name; a payload that is not JSON → 400
/// (the handler never sees it; decoding the JSON into the method's request is the handler's job, and so is its 400),
/// no handler for the name → 404, a throwing handler → 500. Each request runs on the thread pool, off the network
/// thread, so a slow handler never holds the connection; requests without <c>$rid</c> are dropped (nobody to answer).
/// </summary>
internal sealed class MethodsRouter(ILogger logger, Func<string, ReadOnlyMemory<byte>, Task> respond, CancellationToken closing)
{
    public const int StatusBadRequest = 400;
    public const int StatusNotFound = 404;
    public const int StatusInternalError = 500;

    private readonly ConcurrentDictionary<string, Func<MethodRequest, CancellationToken, Task<MethodResponse>>> _handlers =
        new(StringComparer.Ordinal);

    private Func<MethodRequest, CancellationToken, Task<MethodResponse>>? _defaultHandler;

    public void SetHandler(string methodName, Func<MethodRequest, CancellationToken, Task<MethodResponse>> handler) =>
        _handlers[methodName] = handler;

    public void SetDefaultHandler(Func<MethodRequest, CancellationToken, Task<MethodResponse>> handler) => _defaultHandler = handler;

    /// <summary>Network thread: one request; answered from the thread pool.</summary>
    public void OnRequest(string topic, byte[] payload)
    {
        if (!IotHubTopics.TryParseMethod(topic, out var methodName, out var requestId))
        {
            Log.MalformedMessage(logger, topic, "not $iothub/methods/POST/{name}/?$rid={rid}");
            return;
        }

        _ = Task.Run(() => RunAsync(methodName, requestId, payload), CancellationToken.None);
    }

    private async Task RunAsync(string methodName, string requestId, byte[] payload)
    {
        var response = await InvokeAsync(methodName, payload).ConfigureAwait(false);
        try
        {
            await respond(IotHubTopics.MethodResponse(response.Status, requestId), response.Result).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttTransportException or ObjectDisposedException)
        {
            Log.MethodResponseFailed(logger, methodName, ex);
        }
    }

    private async Task<MethodResponse> InvokeAsync(string methodName, byte[] payload)
    {
        if (!IsJsonOrEmpty(payload))
        {
            Log.MethodRejected(logger, methodName, StatusBadRequest, "payload is not valid JSON");
            return MethodResponse.Error(StatusBadRequest, "The method payload is not valid JSON.");
        }

        var handler = _handlers.GetValueOrDefault(methodName) ?? _defaultHandler;
        if (handler is null)
        {
            Log.MethodRejected(logger, methodName, StatusNotFound, "no handler");
            return MethodResponse.Error(StatusNotFound, $"Method '{methodName}' does not exist.");
        }

        try
        {
            return await handler(new MethodRequest(methodName, payload), closing).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A handler's failure becomes a 500 for the caller, never a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.MethodFailed(logger, methodName, ex);
            return MethodResponse.Error(StatusInternalError, $"Method '{methodName}' failed: {ex.Message}");
        }
    }

    private static bool IsJsonOrEmpty(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
