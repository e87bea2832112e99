using System.Collections.Concurrent;
using System.Text.Json;
using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Direct methods: requests on <c>$iothub/methods/POST/{name}/?$rid={rid}</c>, answers on
/// <c>$iothub/methods/res/{status}/?$rid={rid}</c>. Invalid JSON → 400, unknown method → 501, a throwing handler →
/// 500; the handler never sees a request it could not parse.
/// </summary>
public sealed partial class ModuleClient
{
    private const int StatusBadRequest = 400;
    private const int StatusInternalError = 500;
    private const int StatusNotImplemented = 501;

    private readonly ConcurrentDictionary<string, Func<MethodRequest, CancellationToken, Task<MethodResponse>>> _methodHandlers =
        new(StringComparer.Ordinal);

    private Func<MethodRequest, CancellationToken, Task<MethodResponse>>? _defaultMethodHandler;

    public Task SetMethodHandlerAsync(
        string methodName, Func<MethodRequest, CancellationToken, Task<MethodResponse>> handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        ArgumentNullException.ThrowIfNull(handler);
        _methodHandlers[methodName] = handler;
        return EnsureSubscribedAsync(IotHubTopics.MethodsFilter, 0, cancellationToken);
    }

    /// <summary>Answers every method without its own handler (instead of 501).</summary>
    public Task SetMethodDefaultHandlerAsync(Func<MethodRequest, CancellationToken, Task<MethodResponse>> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _defaultMethodHandler = handler;
        return EnsureSubscribedAsync(IotHubTopics.MethodsFilter, 0, cancellationToken);
    }

    private void HandleMethod(string topic, byte[] payload)
    {
        if (!IotHubTopics.TryParseMethod(topic, out var methodName, out var requestId))
        {
            // Without a request id there is nobody to answer.
            Log.MalformedMessage(_logger, topic, "not $iothub/methods/POST/{name}/?$rid={rid}");
            return;
        }

        _ = Task.Run(() => RunMethodAsync(methodName, requestId, payload), CancellationToken.None);
    }

    private async Task RunMethodAsync(string methodName, string requestId, byte[] payload)
    {
        var response = await InvokeMethodAsync(methodName, payload).ConfigureAwait(false);
        try
        {
            var connection = _connection;
            if (connection is not null)
            {
                await connection.PublishAsync(IotHubTopics.MethodResponse(response.Status, requestId), response.Result.Span, 0)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is MqttTransportException or ObjectDisposedException)
        {
            Log.MethodResponseFailed(_logger, methodName, ex);
        }
    }

    private async Task<MethodResponse> InvokeMethodAsync(string methodName, byte[] payload)
    {
        if (!IsJsonOrEmpty(payload))
        {
            Log.MethodRejected(_logger, methodName, StatusBadRequest, "payload is not valid JSON");
            return MethodResponse.Error(StatusBadRequest, "The method payload is not valid JSON.");
        }

        var handler = _methodHandlers.GetValueOrDefault(methodName) ?? _defaultMethodHandler;
        if (handler is null)
        {
            Log.MethodRejected(_logger, methodName, StatusNotImplemented, "no handler");
            return MethodResponse.Error(StatusNotImplemented, $"Method '{methodName}' is not implemented.");
        }

        try
        {
            return await handler(new MethodRequest(methodName, payload), _closing.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A handler's failure becomes a 500 for the caller, never a crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.MethodFailed(_logger, methodName, ex);
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
