using System.Collections.Concurrent;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// How acknowledgements reach the tasks of <c>PublishAsync</c> and <see cref="SubscribeAsync"/>, cheaply and in
/// order. A PUBACK only records its message id (network thread, inside the native callback). When
/// <c>mosquitto_loop</c> returns, the ids of that round are resolved under one lock and queued; one thread-pool work
/// item at a time drains the queue, completing the tasks in the order the broker acknowledged them (a single
/// connection acknowledges in publish order), with their continuations run inline on that work item.
/// <para>Why not a <c>RunContinuationsAsynchronously</c> task per send: that is one thread-pool hop per message, and
/// on a small machine the idle workers' spinning between hops costs as much CPU as the network thread itself
/// (measured: a third of the publisher's CPU in <c>LowLevelLifoSemaphore.Wait</c>). Continuations never run on the
/// network thread (it would stall every connection's traffic behind user code). Failures (connection lost, disposal)
/// take the same queue, after the acknowledgements of the same round, so a send the broker acknowledged never fails.</para>
/// </summary>
internal sealed partial class MosquittoConnection : IThreadPoolWorkItem
{
    private readonly List<int> _acknowledged = [];
    private readonly ConcurrentQueue<(TaskCompletionSource Completion, Exception? Error)> _completions = new();
    private int _drainScheduled;

    /// <summary>From a native callback: completion of <paramref name="messageId"/>, batched when on the network thread.</summary>
    private void Acknowledge(int messageId, Exception? error)
    {
        if (error is null && Thread.CurrentThread == _loopThread)
        {
            _acknowledged.Add(messageId);
            return;
        }

        TaskCompletionSource? completion;
        lock (_pendingLock)
        {
            _pending.Remove(messageId, out completion);
        }

        // Unknown ids are acknowledgements of messages already failed by a disconnect and resent by the library.
        if (completion is not null)
        {
            _completions.Enqueue((completion, error));
            ScheduleCompletions();
        }
    }

    /// <summary>Network thread, after each <c>mosquitto_loop</c> round: queues the tasks acknowledged in it.</summary>
    private void FlushAcknowledged()
    {
        if (_acknowledged.Count == 0)
        {
            return;
        }

        lock (_pendingLock)
        {
            foreach (var messageId in _acknowledged)
            {
                if (_pending.Remove(messageId, out var completion))
                {
                    _completions.Enqueue((completion, null));
                }
            }
        }

        _acknowledged.Clear();
        ScheduleCompletions();
    }

    private void FailPending(Exception error)
    {
        lock (_pendingLock)
        {
            foreach (var orphan in _pending.Values)
            {
                _completions.Enqueue((orphan, error));
            }

            _pending.Clear();
            _subscriptionsAsked.Clear();
        }

        ScheduleCompletions();
    }

    private void ScheduleCompletions()
    {
        if (!_completions.IsEmpty && Interlocked.Exchange(ref _drainScheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>The drain: completes queued tasks in order until the queue stays empty.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        do
        {
            while (_completions.TryDequeue(out var item))
            {
                if (item.Error is null)
                {
                    item.Completion.TrySetResult();
                }
                else
                {
                    item.Completion.TrySetException(item.Error);
                }
            }

            // A full fence, not a release write: the emptiness check below must not be read before this store, or
            // an item queued in between (whose producer saw the flag still set) would wait for the next round.
            Interlocked.Exchange(ref _drainScheduled, 0);
        }
        while (!_completions.IsEmpty && Interlocked.Exchange(ref _drainScheduled, 1) == 0);
    }
}
