using System.Text;
using System.Text.Json.Nodes;
using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt;

/// <summary>Outputs, direct-method registration and the twin, delegated to the parts (see the class remarks).</summary>
public sealed partial class ModuleClient
{
    /// <summary>Sends to output <paramref name="outputName"/> (<c>$.on</c>); completes on the broker's PUBACK.</summary>
    public Task SendEventAsync(string outputName, Message message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        return SendCoreAsync(_topics.EventsPrefixUtf8, outputName, message, cancellationToken);
    }

    /// <summary>Sends device-to-cloud telemetry (no output name); completes on the broker's PUBACK.</summary>
    public Task SendEventAsync(Message message, CancellationToken cancellationToken) =>
        SendCoreAsync(_topics.EventsPrefixUtf8, null, message, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="message"/> straight to input <paramref name="inputName"/> of module
    /// <paramref name="targetModuleId"/> on the same device (<c>devices/{d}/modules/{target}/inputs/{input}/{bag}</c>),
    /// playing edgeHub's routing on a plain broker: for standalone runs (a simulated sensor), tests and benchmarks.
    /// edgeHub itself does not accept publishes to an input topic. Completes on the broker's PUBACK.
    /// </summary>
    public Task SendToInputAsync(string targetModuleId, string inputName, Message message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetModuleId);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        var prefix = new IotHubTopics(_options.DeviceId, targetModuleId).InputsPrefix + inputName + "/";
        return SendCoreAsync(Encoding.UTF8.GetBytes(prefix), null, message, cancellationToken);
    }

    /// <summary>
    /// Answers direct method <paramref name="methodName"/> (exact, case-sensitive name). The request's payload is
    /// checked to be JSON (else 400 without calling the handler); decoding it, and answering 400 when it does not fit
    /// the method, is the handler's job. A method without a handler (and no default handler) is answered 404; a
    /// handler that throws, 500. Handlers run on the thread pool, several at once if requests overlap.
    /// </summary>
    public Task SetMethodHandlerAsync(
        string methodName, Func<MethodRequest, CancellationToken, Task<MethodResponse>> handler, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        ArgumentNullException.ThrowIfNull(handler);
        _methods.SetHandler(methodName, handler);
        return SubscribeAsync(IotHubTopics.MethodsFilter, 0, cancellationToken);
    }

    /// <summary>Answers every method without its own handler (instead of 404).</summary>
    public Task SetMethodDefaultHandlerAsync(Func<MethodRequest, CancellationToken, Task<MethodResponse>> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _methods.SetDefaultHandler(handler);
        return SubscribeAsync(IotHubTopics.MethodsFilter, 0, cancellationToken);
    }

    /// <summary>
    /// Receives every desired-properties patch, one at a time and in order, with the desired version it carries
    /// (<see cref="DesiredPropertiesPatch.Version"/>). Replaces any earlier desired handler or callback.
    /// </summary>
    public Task SetDesiredPropertiesHandlerAsync(Func<DesiredPropertiesPatch, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _twin.SetDesiredHandler(handler);
        return SubscribeAsync(IotHubTopics.DesiredPatchFilter, 0, cancellationToken);
    }

    /// <summary>As <see cref="SetDesiredPropertiesHandlerAsync"/>, with the patch body only (the SDK's shape).</summary>
    public Task SetDesiredPropertyUpdateCallbackAsync(Func<JsonObject, CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return SetDesiredPropertiesHandlerAsync((patch, ct) => callback(patch.Properties, ct), cancellationToken);
    }

    /// <summary>The whole twin (desired with its <c>$version</c>, reported); throws on a non-200 answer.</summary>
    public Task<Twin> GetTwinAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfInsideInputHandler();
        return _twin.GetAsync(cancellationToken);
    }

    /// <summary>Sends a reported-properties patch; completes on the hub's 2xx answer, throws on any other.</summary>
    public Task UpdateReportedPropertiesAsync(JsonObject patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfInsideInputHandler();
        return _twin.UpdateReportedAsync(patch, cancellationToken);
    }

    private Task SendCoreAsync(ReadOnlySpan<byte> topicPrefix, string? outputName, Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfInsideInputHandler();

        // The topic is built as UTF-8 straight into this buffer and handed to libmosquitto, which copies it.
        var topic = new TopicWriter(stackalloc byte[512]);
        try
        {
            topic.AppendPrefix(topicPrefix);
            MessageCodec.WriteBag(ref topic, message, outputName);
            var size = message.Body.Length + topic.BagLength;
            if (size > _options.MaxMessageSize)
            {
                return Task.FromException(new MessageTooLargeException(size, _options.MaxMessageSize));
            }

            Native.MosquittoConnection connection;
            try
            {
                connection = _connection.RequireConnected("send");
            }
            catch (TransportDisconnectedException ex)
            {
                return Task.FromException(ex);
            }

            var acknowledged = connection.PublishAsync(topic.Terminated(), message.Body.Span, AtLeastOnce);
            return cancellationToken.CanBeCanceled ? acknowledged.WaitAsync(cancellationToken) : acknowledged;
        }
        finally
        {
            topic.Dispose();
        }
    }

    /// <summary>A method's answer, QoS 0; dropped (and logged by the router) when the connection is gone.</summary>
    private Task RespondToMethodAsync(string topic, ReadOnlyMemory<byte> body) =>
        _connection.Connection is { } connection ? connection.PublishAsync(topic, body.Span, 0) : Task.CompletedTask;
}
