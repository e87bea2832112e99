using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using EdgeModule.Transport.Mqtt.Dialect;
using EdgeModule.Transport.Mqtt.Native;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// Input messages, on the network thread, in arrival order. The acknowledgement contract:
/// <list type="number">
/// <item>The handler is called in arrival order; its synchronous part runs on the network thread.</item>
/// <item>The task it returns says when the message is safe. Completed at once (the store took it): the PUBACK is
/// written with the next write. Still running (a group commit): the PUBACK is held (MosquittoConnection.Acknowledgements)
/// and the next messages are handled meanwhile; PUBACKs leave in arrival order once every held one may leave.</item>
/// <item>Refused: a synchronous <see cref="MessageRejectedException"/>, a task that faults or is cancelled (with any
/// exception: the message is not known to be safe), a task still running after
/// <see cref="ModuleClientOptions.InputHandlerTimeout"/>, or no handler for the input. The connection is ended before
/// the PUBACK is written; it and everything not yet acknowledged come again, in order, after a reconnect that waits
/// a growing delay (ReconnectMinDelay doubling up to ReconnectMaxDelay per consecutive refusal).</item>
/// <item>Any other synchronous exception is a handler bug: logged, and the message is acknowledged (redelivery would
/// not fix it). Malformed and oversized messages are logged and acknowledged too.</item>
/// </list>
/// </summary>
internal sealed class InputDispatcher(
    ModuleClientOptions options, IotHubTopics topics, ILogger logger, CancellationToken closing)
{
    private readonly ConcurrentDictionary<string, Func<Message, CancellationToken, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly AsyncLocal<bool> _inHandler = new();

    // Network thread only: the held acknowledgements, oldest first (for the handler timeout).
    private readonly Queue<HeldInput> _held = new();

    // Network thread only: the context handlers run in, and the call in progress (see Invoke).
    private ExecutionContext? _handlerContext;
    private Func<Message, CancellationToken, Task>? _currentHandler;
    private Message? _currentMessage;
    private Task? _currentTask;

    private Func<Message, CancellationToken, Task>? _defaultHandler;
    private int _consecutiveRejections;
    private long _rejectionDelayTicks;
    private volatile int _rejectedGeneration;
    private long _dispatched;
    private long _settled;

    /// <summary>True inside a handler (also after its awaits): a send awaited there is refused instead of deadlocking.</summary>
    public bool IsInsideHandler => _inHandler.Value;

    /// <summary>
    /// Input messages handed to a handler, and those whose outcome is settled (acknowledged, refused, or failed): the
    /// difference is what the handlers still hold. A watchdog sees input dispatch stall when the second stops moving
    /// while the first is ahead of it.
    /// </summary>
    public InputProgress Progress => new(Interlocked.Read(ref _dispatched), Interlocked.Read(ref _settled));

    /// <summary>The backoff of the latest refusal.</summary>
    public TimeSpan RejectionDelay => TimeSpan.FromTicks(Interlocked.Read(ref _rejectionDelayTicks));

    public void SetHandler(string inputName, Func<Message, CancellationToken, Task> handler) => _handlers[inputName] = handler;

    public void SetDefaultHandler(Func<Message, CancellationToken, Task> handler) => _defaultHandler = handler;

    /// <summary>Whether connection <paramref name="generation"/> was ended on purpose, to refuse a message.</summary>
    public bool WasRefused(int generation) => generation != 0 && _rejectedGeneration == generation;

    /// <summary>Network thread: one PUBLISH on the inputs topic of <paramref name="connection"/>.</summary>
    public void OnInput(MosquittoConnection connection, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload)
    {
        // After a refusal the socket is shut: later messages of the same read would only be stored twice (their
        // PUBACKs cannot leave either) and would overtake the refused one. The broker redelivers them all, in order.
        if (WasRefused(connection.Generation))
        {
            return;
        }

        if (!topics.TryParseInput(topic, out var inputName, out var bag))
        {
            Log.MalformedMessage(logger, Encoding.UTF8.GetString(topic), "no input name");
            return;
        }

        var size = payload.Length + bag.Length;
        if (size > options.MaxMessageSize)
        {
            Log.InboundTooLarge(logger, inputName, size, options.MaxMessageSize);
            return;
        }

        if (!TryDecode(bag, payload, out var message, out var error))
        {
            Log.MalformedMessage(logger, Encoding.UTF8.GetString(topic), error ?? "malformed property bag");
            return;
        }

        message.InputName = inputName;
        var handler = _handlers.GetValueOrDefault(inputName) ?? _defaultHandler;
        if (handler is null)
        {
            // Nobody stored it, so it must not be acknowledged: an upstream client that finds itself on the inputs'
            // persistent session (same client id), or a message that arrives before its handler is set.
            Log.NoInputHandler(logger, options.EffectiveClientId, inputName, RefuseNow(connection));
            return;
        }

        Task stored;
        Interlocked.Increment(ref _dispatched);
        try
        {
            stored = Invoke(handler, message);
        }
        catch (MessageRejectedException rejected)
        {
            Interlocked.Increment(ref _settled);
            Log.InputRejected(logger, inputName, rejected.Message, RefuseNow(connection));
            return;
        }
#pragma warning disable CA1031 // A handler bug is logged; the message is acknowledged (see the class remarks).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _settled);
            Log.InputHandlerFailed(logger, inputName, ex);
            return;
        }

        if (stored.IsCompletedSuccessfully)
        {
            Interlocked.Increment(ref _settled);
            Volatile.Write(ref _consecutiveRejections, 0);
        }
        else if (stored.IsCompleted)
        {
            Interlocked.Increment(ref _settled);
            RefuseFailed(connection, inputName, stored);
        }
        else if (connection.CanHoldAcknowledgements)
        {
            Hold(connection, inputName, stored);
        }
        else
        {
            WaitBeforeAcknowledging(connection, inputName, stored);
        }
    }

    /// <summary>
    /// Network thread, at the start of each round while acknowledgements are held: forgets the ones done and refuses
    /// the oldest if it has run longer than the handler timeout.
    /// </summary>
    public void CheckHeld(MosquittoConnection connection)
    {
        while (_held.TryPeek(out var oldest) && (oldest.Done || oldest.Held.Generation != connection.Generation))
        {
            _held.Dequeue();
        }

        if (_held.TryPeek(out var late) && Environment.TickCount64 - late.Since > (long)options.InputHandlerTimeout.TotalMilliseconds
            && !WasRefused(connection.Generation))
        {
            Log.InputHandlerTimedOut(logger, late.Input, options.InputHandlerTimeout, RefuseNow(connection));
        }
    }

    /// <summary>
    /// Calls the handler inside a context where <see cref="IsInsideHandler"/> is true, so a send awaited from it (even
    /// after an await) is refused instead of deadlocking: its PUBLISH would wait behind the held PUBACK it waits for.
    /// The context is captured once: setting the AsyncLocal around every message would allocate two execution
    /// contexts per message.
    /// </summary>
    private Task Invoke(Func<Message, CancellationToken, Task> handler, Message message)
    {
        if (_handlerContext is null)
        {
            _inHandler.Value = true;
            _handlerContext = ExecutionContext.Capture()!;
            _inHandler.Value = false;
        }

        (_currentHandler, _currentMessage) = (handler, message);
        try
        {
            ExecutionContext.Run(_handlerContext, static self => ((InputDispatcher)self!).InvokeCurrent(), this);
            return _currentTask ?? Task.CompletedTask;
        }
        finally
        {
            (_currentHandler, _currentMessage, _currentTask) = (null, null, null);
        }
    }

    private void InvokeCurrent() => _currentTask = _currentHandler!(_currentMessage!, closing);

    /// <summary>Network thread: the PUBACK waits in the queue for <paramref name="stored"/>; the next message goes on.</summary>
    private void Hold(MosquittoConnection connection, string inputName, Task stored)
    {
        var held = new HeldInput(this, connection.Hold(), inputName, Environment.TickCount64);
        _held.Enqueue(held);
        stored.ContinueWith(
            static (task, state) => ((HeldInput)state!).Complete(task),
            held,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Network thread, before the CONNACK round is over (libmosquitto's own loop writes its queue when the callback
    /// returns): the PUBACK can only wait by blocking here.
    /// </summary>
    private void WaitBeforeAcknowledging(MosquittoConnection connection, string inputName, Task stored)
    {
        try
        {
            if (!stored.Wait(options.InputHandlerTimeout))
            {
                Log.InputHandlerTimedOut(logger, inputName, options.InputHandlerTimeout, RefuseNow(connection));
                return;
            }

            Volatile.Write(ref _consecutiveRejections, 0);
        }
#pragma warning disable CA1031 // Any fault refuses the message (see the class remarks).
        catch (Exception)
#pragma warning restore CA1031
        {
            RefuseFailed(connection, inputName, stored);
        }
        finally
        {
            // Settled whatever the outcome: a task still running after the timeout is refused (its connection ended).
            Interlocked.Increment(ref _settled);
        }
    }

    /// <summary>Network thread: the handler's task failed at once.</summary>
    private void RefuseFailed(MosquittoConnection connection, string inputName, Task stored)
    {
        var error = Unwrap(stored);
        if (error is MessageRejectedException)
        {
            Log.InputRejected(logger, inputName, error.Message, RefuseNow(connection));
        }
        else
        {
            Log.InputTaskFailed(logger, inputName, RefuseNow(connection), error);
        }
    }

    /// <summary>Any thread: the task of a held acknowledgement failed; its connection is ended unacknowledged.</summary>
    private void RefuseHeld(HeldInput held, Task stored)
    {
        if (!held.Held.IsCurrent || WasRefused(held.Held.Generation))
        {
            return;
        }

        var delay = MarkRefused(held.Held.Generation);
        var error = Unwrap(stored);
        if (error is MessageRejectedException)
        {
            Log.InputRejected(logger, held.Input, error.Message, delay);
        }
        else
        {
            Log.InputTaskFailed(logger, held.Input, delay, error);
        }

        held.Held.Abort();
    }

    /// <summary>Network thread: ends the connection before the queued PUBACK is written; returns the reconnect delay.</summary>
    private TimeSpan RefuseNow(MosquittoConnection connection)
    {
        var delay = MarkRefused(connection.Generation);
        connection.AbortFromNetworkThread();
        return delay;
    }

    private TimeSpan MarkRefused(int generation)
    {
        var attempts = Math.Min(Interlocked.Increment(ref _consecutiveRejections), 30);
        var delay = TimeSpan.FromTicks(Math.Min(
            options.ReconnectMinDelay.Ticks * (1L << Math.Min(attempts - 1, 20)), options.ReconnectMaxDelay.Ticks));
        Interlocked.Exchange(ref _rejectionDelayTicks, delay.Ticks);
        _rejectedGeneration = generation;
        return delay;
    }

    private static Exception Unwrap(Task task) =>
        task.Exception?.InnerException ?? task.Exception ?? (Exception)new TaskCanceledException(task);

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

    /// <summary>One held acknowledgement: released when its task succeeds, refused when it fails.</summary>
    private sealed class HeldInput(InputDispatcher owner, HeldAcknowledgement held, string input, long since)
    {
        private volatile bool _done;

        public HeldAcknowledgement Held => held;

        public string Input => input;

        public long Since => since;

        public bool Done => _done;

        public void Complete(Task stored)
        {
            Interlocked.Increment(ref owner._settled);
            if (stored.IsCompletedSuccessfully)
            {
                Volatile.Write(ref owner._consecutiveRejections, 0);
                held.Release();
            }
            else
            {
                owner.RefuseHeld(this, stored);
            }

            _done = true;
        }
    }
}
