using System.Buffers;
using System.Text;
using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Routing of every incoming PUBLISH, on the network thread. Inputs are handled inline (their PUBACK waits for the
/// handler); methods and twin traffic are handed off so a slow handler never holds the connection.
/// Anything malformed is logged and dropped: the broker has already delivered it, and redelivery would not fix it.
/// </summary>
public sealed partial class ModuleClient
{
    // Network thread only: the context input handlers run in (see RunInputHandler), and the message being handled.
    private ExecutionContext? _inputHandlerContext;
    private Func<Message, CancellationToken, Task>? _currentHandler;
    private Message? _currentMessage;
    private Task? _currentHandlerTask;

    private void OnMessage(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload)
    {
        if (topic.StartsWith(_topics.InputsPrefixUtf8))
        {
            HandleInput(topic, payload);
            return;
        }

        var text = Encoding.UTF8.GetString(topic);
        if (text.StartsWith(IotHubTopics.MethodsPrefix, StringComparison.Ordinal))
        {
            HandleMethod(text, payload.ToArray());
        }
        else if (text.StartsWith(IotHubTopics.TwinResponsePrefix, StringComparison.Ordinal))
        {
            HandleTwinResponse(text, payload.ToArray());
        }
        else if (text.StartsWith(IotHubTopics.DesiredPatchPrefix, StringComparison.Ordinal))
        {
            _desiredPatches.Writer.TryWrite(payload.ToArray());
        }
        else
        {
            Log.MalformedMessage(_logger, text, "not a topic of this module");
        }
    }

    private void HandleInput(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload)
    {
        // After a rejection the socket is shut: later messages of the same read would only be stored twice (their
        // PUBACKs cannot leave either) and would overtake the rejected one. The broker redelivers them all, in order.
        if (_rejectedOnThisConnection)
        {
            return;
        }

        if (!_topics.TryParseInput(topic, out var inputName, out var bag))
        {
            Log.MalformedMessage(_logger, Encoding.UTF8.GetString(topic), "no input name");
            return;
        }

        var size = payload.Length + bag.Length;
        if (size > _options.MaxMessageSize)
        {
            Log.InboundTooLarge(_logger, inputName, size, _options.MaxMessageSize);
            return;
        }

        if (!TryDecode(bag, payload, out var message, out var error))
        {
            Log.MalformedMessage(_logger, Encoding.UTF8.GetString(topic), error ?? "malformed property bag");
            return;
        }

        message.InputName = inputName;
        var handler = _inputHandlers.GetValueOrDefault(inputName) ?? _defaultInputHandler;
        if (handler is null)
        {
            // Nobody stored it, so it must not be acknowledged: an upstream client that finds itself on the inputs'
            // persistent session (same client id), or a message that arrives before its handler is set. Aborting
            // leaves it with the broker, as a rejection does.
            var delay = Abort();
            Log.NoInputHandler(_logger, _options.EffectiveClientId, inputName, delay);
            return;
        }

        try
        {
            // Blocking here is the point: the PUBACK leaves only after this callback returns. libmosquitto 2.0.x
            // queues the PUBACK *before* calling on_message (eclipse-mosquitto issue #2884); it is the threaded mode
            // (mosquitto_threaded_set, see MosquittoConnection) that defers writing the queue to our loop thread,
            // which runs on after this returns. In the unthreaded mode the PUBACK would be on the wire first.
            if (!RunInputHandler(handler, message).Wait(_options.InputHandlerTimeout))
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
    }

    /// <summary>The bag (UTF-8, normally ASCII) decoded to characters on the stack, then to a message owning a copy of the body.</summary>
    private static bool TryDecode(ReadOnlySpan<byte> bag, ReadOnlySpan<byte> payload, out Message message, out string? error)
    {
        char[]? rented = null;
        var chars = bag.Length <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(bag.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(bag, chars);
            return MessageCodec.TryDecode(chars[..length], payload.ToArray(), out message, out error);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Calls the handler inside a context where <see cref="_inInputHandler"/> is true, so a send awaited from it (even
    /// after an await) is refused instead of deadlocking. The context is captured once: setting the AsyncLocal around
    /// every message would allocate two execution contexts per message.
    /// </summary>
    private Task RunInputHandler(Func<Message, CancellationToken, Task> handler, Message message)
    {
        if (_inputHandlerContext is null)
        {
            _inInputHandler.Value = true;
            _inputHandlerContext = ExecutionContext.Capture()!;
            _inInputHandler.Value = false;
        }

        (_currentHandler, _currentMessage) = (handler, message);
        try
        {
            ExecutionContext.Run(_inputHandlerContext, static self => ((ModuleClient)self!).InvokeCurrentHandler(), this);
            return _currentHandlerTask!;
        }
        finally
        {
            (_currentHandler, _currentMessage, _currentHandlerTask) = (null, null, null);
        }
    }

    private void InvokeCurrentHandler() => _currentHandlerTask = _currentHandler!(_currentMessage!, _closing.Token);

    private static Exception Unwrap(Exception ex) => ex is AggregateException { InnerException: { } inner } ? inner : ex;

    /// <summary>
    /// The handler refused the message: end the connection before its queued PUBACK is written, so the broker keeps
    /// it for the persistent session and redelivers it after the reconnect, which waits an exponentially growing
    /// delay (ReconnectMinDelay doubling up to ReconnectMaxDelay) while the handler keeps refusing.
    /// </summary>
    private void Reject(string inputName, MessageRejectedException rejected)
    {
        var delay = Abort();
        Log.InputRejected(_logger, inputName, rejected.Message, delay);
    }

    /// <summary>Ends the connection before the queued PUBACK is written; returns the delay before reconnecting.</summary>
    private TimeSpan Abort()
    {
        var attempts = Math.Min(++_consecutiveRejections, 30);
        var delay = TimeSpan.FromTicks(Math.Min(
            _options.ReconnectMinDelay.Ticks * (1L << Math.Min(attempts - 1, 20)), _options.ReconnectMaxDelay.Ticks));
        _rejectionDelay = delay;
        _rejectedOnThisConnection = true;
        _connection!.AbortFromNetworkThread();
        return delay;
    }
}
