using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Routing of every incoming PUBLISH, on the network thread. Inputs are handled inline (their PUBACK waits for the
/// handler); methods and twin traffic are handed off so a slow handler never holds the connection.
/// Anything malformed is logged and dropped: the broker has already delivered it, and redelivery would not fix it.
/// </summary>
public sealed partial class ModuleClient
{
    private void OnMessage(string topic, ReadOnlySpan<byte> payload)
    {
        if (topic.StartsWith(_topics.InputsPrefix, StringComparison.Ordinal))
        {
            HandleInput(topic, payload);
        }
        else if (topic.StartsWith(IotHubTopics.MethodsPrefix, StringComparison.Ordinal))
        {
            HandleMethod(topic, payload.ToArray());
        }
        else if (topic.StartsWith(IotHubTopics.TwinResponsePrefix, StringComparison.Ordinal))
        {
            HandleTwinResponse(topic, payload.ToArray());
        }
        else if (topic.StartsWith(IotHubTopics.DesiredPatchPrefix, StringComparison.Ordinal))
        {
            _desiredPatches.Writer.TryWrite(payload.ToArray());
        }
        else
        {
            Log.MalformedMessage(_logger, topic, "not a topic of this module");
        }
    }

    private void HandleInput(string topic, ReadOnlySpan<byte> payload)
    {
        // After a rejection the socket is shut: later messages of the same read would only be stored twice (their
        // PUBACKs cannot leave either) and would overtake the rejected one. The broker redelivers them all, in order.
        if (_rejectedOnThisConnection)
        {
            return;
        }

        if (!_topics.TryParseInput(topic, out var inputName, out var bag))
        {
            Log.MalformedMessage(_logger, topic, "no input name");
            return;
        }

        var size = payload.Length + bag.Length;
        if (size > _options.MaxMessageSize)
        {
            Log.InboundTooLarge(_logger, inputName, size, _options.MaxMessageSize);
            return;
        }

        if (!MessageCodec.TryDecode(bag, payload.ToArray(), out var message, out var error))
        {
            Log.MalformedMessage(_logger, topic, error ?? "malformed property bag");
            return;
        }

        message.InputName = inputName;
        var handler = _inputHandlers.GetValueOrDefault(inputName) ?? _defaultInputHandler;
        if (handler is null)
        {
            Log.NoInputHandler(_logger, inputName);
            return;
        }

        _inInputHandler.Value = true;
        try
        {
            // Blocking here is the point: the PUBACK leaves only after this callback returns. libmosquitto 2.0.x
            // queues the PUBACK *before* calling on_message (eclipse-mosquitto issue #2884); it is the threaded mode
            // (mosquitto_threaded_set, see MosquittoConnection) that defers writing the queue to our loop thread,
            // which runs on after this returns. In the unthreaded mode the PUBACK would be on the wire first.
            if (!handler(message, _closing.Token).Wait(_options.InputHandlerTimeout))
            {
                Log.InputHandlerTimedOut(_logger, inputName, _options.InputHandlerTimeout);
            }
            else
            {
                _consecutiveRejections = 0;
            }
        }
        catch (Exception ex) when (Unwrap(ex) is MessageRejectedException rejected)
        {
            Reject(inputName, rejected);
        }
        catch (Exception ex)
        {
            Log.InputHandlerFailed(_logger, inputName, Unwrap(ex));
        }
        finally
        {
            _inInputHandler.Value = false;
        }
    }

    private static Exception Unwrap(Exception ex) => ex is AggregateException { InnerException: { } inner } ? inner : ex;

    /// <summary>
    /// The handler refused the message: end the connection before its queued PUBACK is written, so the broker keeps
    /// it for the persistent session and redelivers it after the reconnect, which waits an exponentially growing
    /// delay (ReconnectMinDelay doubling up to ReconnectMaxDelay) while the handler keeps refusing.
    /// </summary>
    private void Reject(string inputName, MessageRejectedException rejected)
    {
        var attempts = Math.Min(++_consecutiveRejections, 30);
        var delay = TimeSpan.FromTicks(Math.Min(
            _options.ReconnectMinDelay.Ticks * (1L << Math.Min(attempts - 1, 20)), _options.ReconnectMaxDelay.Ticks));
        _rejectionDelay = delay;
        _rejectedOnThisConnection = true;
        Log.InputRejected(_logger, inputName, rejected.Message, delay);
        _connection!.AbortFromNetworkThread();
    }
}
