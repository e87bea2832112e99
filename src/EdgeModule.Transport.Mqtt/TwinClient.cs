using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeModule.Transport.Mqtt.Dialect;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// The module twin: GET on <c>$iothub/twin/GET/?$rid=…</c>, reported patches on
/// <c>$iothub/twin/PATCH/properties/reported/?$rid=…</c>, both answered on <c>$iothub/twin/res/{status}/?$rid=…</c>
/// (bounded by OperationTimeout); desired patches arrive on <c>$iothub/twin/PATCH/properties/desired/?$version=…</c>
/// and are handed to the handler one at a time, in order, from one pump task (a failing handler or a patch that is
/// not a JSON object is logged and the next patch still comes).
/// </summary>
internal sealed class TwinClient(ConnectionSupervisor connection, ModuleClientOptions options, ILogger logger)
{
    private readonly Channel<(string Topic, byte[] Body)> _desiredPatches =
        Channel.CreateUnbounded<(string, byte[])>(new UnboundedChannelOptions { SingleReader = true });

    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int Status, byte[] Body)>> _requests = new(StringComparer.Ordinal);
    private Func<DesiredPropertiesPatch, CancellationToken, Task>? _desiredHandler;
    private long _nextRequestId;
    private Task? _pump;

    public void SetDesiredHandler(Func<DesiredPropertiesPatch, CancellationToken, Task> handler) => _desiredHandler = handler;

    public void Start(CancellationToken closing) => _pump = Task.Run(() => PumpDesiredPatchesAsync(closing), CancellationToken.None);

    /// <summary>No more patches; the pump ends once the closing token is cancelled (or the queue is empty).</summary>
    public Task StopAsync()
    {
        _desiredPatches.Writer.TryComplete();
        return _pump ?? Task.CompletedTask;
    }

    public async Task<Twin> GetAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await RequestAsync(IotHubTopics.TwinGet, [], cancellationToken).ConfigureAwait(false);
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

    public async Task UpdateReportedAsync(JsonObject patch, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(patch.ToJsonString());
        var (status, answer) = await RequestAsync(IotHubTopics.TwinReportedPatch, body, cancellationToken).ConfigureAwait(false);
        if (status is < 200 or > 299)
        {
            throw new MqttTransportException(string.Create(CultureInfo.InvariantCulture, $"Reported properties update answered {status}: {Encoding.UTF8.GetString(answer)}"));
        }
    }

    /// <summary>Network thread: a response on <c>$iothub/twin/res/…</c>.</summary>
    public void OnResponse(string topic, byte[] body)
    {
        if (!IotHubTopics.TryParseTwinResponse(topic, out var status, out var query))
        {
            Log.MalformedMessage(logger, topic, "not $iothub/twin/res/{status}/?$rid={rid}");
            return;
        }

        if (_requests.TryGetValue(query["$rid"], out var pending))
        {
            pending.TrySetResult((status, body));
        }
    }

    /// <summary>Network thread: a desired patch, queued for the pump.</summary>
    public void OnDesiredPatch(string topic, byte[] body) => _desiredPatches.Writer.TryWrite((topic, body));

    private async Task<(int Status, byte[] Body)> RequestAsync(Func<string, string> topicFor, byte[] body, CancellationToken cancellationToken)
    {
        var mqtt = connection.RequireConnected("reach the twin");
        var requestId = Interlocked.Increment(ref _nextRequestId).ToString(CultureInfo.InvariantCulture);
        var response = new TaskCompletionSource<(int, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[requestId] = response;
        try
        {
            await mqtt.PublishAsync(topicFor(requestId), body, 0).ConfigureAwait(false);
            return await response.Task.WaitAsync(options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _requests.TryRemove(requestId, out _);
        }
    }

    private async Task PumpDesiredPatchesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (topic, body) in _desiredPatches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (_desiredHandler is { } handler && JsonNode.Parse(body) is JsonObject patch)
                    {
                        await handler(new DesiredPropertiesPatch(VersionOf(topic, patch), patch), cancellationToken).ConfigureAwait(false);
                    }
                }
#pragma warning disable CA1031 // One bad patch or handler must not stop later patches.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    Log.DesiredCallbackFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
    }

    /// <summary>The body's <c>$version</c> (IoT Hub's), else the topic's <c>?$version=</c>.</summary>
    private static long? VersionOf(string topic, JsonObject patch)
    {
        if (patch["$version"] is JsonValue value && value.TryGetValue<long>(out var fromBody))
        {
            return fromBody;
        }

        var marker = topic.IndexOf('?', StringComparison.Ordinal);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        return marker >= 0 && PropertyBag.TryParse(topic[(marker + 1)..], query, out _)
            && query.TryGetValue("$version", out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var fromTopic)
                ? fromTopic
                : null;
    }
}
