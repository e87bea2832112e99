using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// The module twin: GET on <c>$iothub/twin/GET/?$rid=…</c>, reported patches on
/// <c>$iothub/twin/PATCH/properties/reported/?$rid=…</c>, both answered on <c>$iothub/twin/res/{status}/?$rid=…</c>;
/// desired patches arrive on <c>$iothub/twin/PATCH/properties/desired/?$version=…</c> and are handed to the callback
/// one at a time, in order.
/// </summary>
public sealed partial class ModuleClient
{
    private readonly Channel<byte[]> _desiredPatches = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int Status, byte[] Body)>> _twinRequests = new(StringComparer.Ordinal);
    private Func<JsonObject, CancellationToken, Task>? _desiredCallback;
    private long _nextRequestId;

    public Task SetDesiredPropertyUpdateCallbackAsync(Func<JsonObject, CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _desiredCallback = callback;
        return EnsureSubscribedAsync(IotHubTopics.DesiredPatchFilter, 0, cancellationToken);
    }

    public async Task<Twin> GetTwinAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await TwinRequestAsync(IotHubTopics.TwinGet, [], cancellationToken).ConfigureAwait(false);
        if (status != 200)
        {
            throw new MqttTransportException(string.Create(CultureInfo.InvariantCulture, $"Twin GET answered {status}: {Encoding.UTF8.GetString(body)}"));
        }

        JsonObject document;
        try
        {
            document = JsonNode.Parse(body) as JsonObject ?? throw new MqttTransportException("The twin is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new MqttTransportException("The twin is not valid JSON.", ex);
        }

        document.Remove("desired", out var desired);
        document.Remove("reported", out var reported);
        return new Twin(desired as JsonObject ?? [], reported as JsonObject ?? []);
    }

    public async Task UpdateReportedPropertiesAsync(JsonObject patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var body = Encoding.UTF8.GetBytes(patch.ToJsonString());
        var (status, answer) = await TwinRequestAsync(IotHubTopics.TwinReportedPatch, body, cancellationToken).ConfigureAwait(false);
        if (status is < 200 or > 299)
        {
            throw new MqttTransportException(string.Create(CultureInfo.InvariantCulture, $"Reported properties update answered {status}: {Encoding.UTF8.GetString(answer)}"));
        }
    }

    private async Task<(int Status, byte[] Body)> TwinRequestAsync(Func<string, string> topicFor, byte[] body, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfInsideInputHandler();
        var connection = _connection;
        if (connection is null || Status != ConnectionStatus.Connected)
        {
            throw new TransportDisconnectedException($"Cannot reach the twin: the MQTT client is {Status}.");
        }

        var requestId = Interlocked.Increment(ref _nextRequestId).ToString(CultureInfo.InvariantCulture);
        var response = new TaskCompletionSource<(int, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _twinRequests[requestId] = response;
        try
        {
            await connection.PublishAsync(topicFor(requestId), body, 0).ConfigureAwait(false);
            return await response.Task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _twinRequests.TryRemove(requestId, out _);
        }
    }

    private void HandleTwinResponse(string topic, byte[] body)
    {
        if (!IotHubTopics.TryParseTwinResponse(topic, out var status, out var query))
        {
            Log.MalformedMessage(_logger, topic, "not $iothub/twin/res/{status}/?$rid={rid}");
            return;
        }

        if (_twinRequests.TryGetValue(query["$rid"], out var pending))
        {
            pending.TrySetResult((status, body));
        }
    }

    private async Task PumpDesiredPatchesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var body in _desiredPatches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (_desiredCallback is { } callback && JsonNode.Parse(body) is JsonObject patch)
                    {
                        await callback(patch, cancellationToken).ConfigureAwait(false);
                    }
                }
#pragma warning disable CA1031 // One bad patch or callback must not stop later patches.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    Log.DesiredCallbackFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
    }
}
