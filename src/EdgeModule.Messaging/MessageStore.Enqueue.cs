using System.Buffers.Binary;
using System.Collections.Concurrent;
using EdgeModule.Messaging.Layout;
using EdgeModule.Storage;

namespace EdgeModule.Messaging;

/// <summary>The write path: encode outside the lock, then check the limit, number and write one batch under it.</summary>
public sealed partial class MessageStore
{
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<string, bool> _unroutedInputs = new(StringComparer.Ordinal);
    private long _lastMessageNumber;
    private long _messageCount;
    private long _bytes;
    private volatile WriteState _writeState;
    private long _refusedInState;
    private IWriteBatch? _enqueueBatch;
    private bool _disposed;

    [ThreadStatic]
    private static byte[]? _threadRecordBuffer;

    /// <summary>
    /// Stores <paramref name="message"/> for every endpoint the route of <paramref name="input"/> names, in one atomic
    /// write. When this returns the message is in the store (as durable as the backend's writes) and may be
    /// acknowledged. An input without a route stores nothing and returns a result with no endpoints (logged once per
    /// input), as IoT Edge drops unrouted messages.
    /// </summary>
    /// <exception cref="MessageTooLargeException">the encoded message is over <see cref="MessageStoreOptions.MaxMessageBytes"/>.</exception>
    /// <exception cref="StoreFullException">
    /// <see cref="MessageStoreFullException"/> over <see cref="MessageStoreOptions.MaxStoreBytes"/>, or the backend's
    /// own limit; nothing was written — do not acknowledge.
    /// </exception>
    public EnqueueResult Enqueue(string input, EdgeMessage message)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(message);
        var endpoints = _options.Routes.Resolve(input);
        if (endpoints.Count == 0)
        {
            Interlocked.Increment(ref _droppedNoRoute);
            if (_unroutedInputs.TryAdd(input, true))
            {
                Log.NoRoute(_logger, input, _options.Routes.ToString());
            }

            return new EnqueueResult(0, endpoints, 0);
        }

        return EnqueueTo(endpoints, message);
    }

    internal EnqueueResult EnqueueTo(IReadOnlyList<string> endpoints, EdgeMessage message)
    {
        var queues = new EndpointQueue[endpoints.Count];
        for (var i = 0; i < queues.Length; i++)
        {
            queues[i] = GetQueue(endpoints[i]);
        }

        var enqueued = _time.GetUtcNow().UtcTicks;
        var size = MessageCodec.GetEncodedSize(message);
        if (size > _options.MaxMessageBytes)
        {
            Interlocked.Increment(ref _droppedTooLarge);
            throw new MessageTooLargeException(size, _options.MaxMessageBytes);
        }

        // Encoded into this thread's buffer and handed to the batch as a span: the batch's copy is the only one made.
        var record = RecordBuffer(size).AsSpan(0, size);
        MessageCodec.Encode(message, enqueued, record);
        Span<byte> messageKey = stackalloc byte[StoreLayout.SequenceKeyBytes];
        Span<byte> queueKey = stackalloc byte[StoreLayout.SequenceKeyBytes];
        Span<byte> entry = stackalloc byte[QueueEntry.EncodedBytes];
        Span<byte> refCount = stackalloc byte[4];
        long number;
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfOverLimit(size);
            number = _lastMessageNumber + 1;
            StoreLayout.WriteSequenceKey(messageKey, number);

            // One batch, reused under the lock: both backends copy what is added, and a failed write leaves it as it was.
            var batch = _enqueueBatch ??= _store.CreateWriteBatch();
            batch.Clear();
            batch.Put(_messages, messageKey, record);
            if (queues.Length > 1)
            {
                BinaryPrimitives.WriteInt32LittleEndian(refCount, queues.Length);
                batch.Put(_refCounts, messageKey, refCount);
            }

            new QueueEntry(number, enqueued, size).Encode(entry);
            foreach (var queue in queues)
            {
                StoreLayout.WriteSequenceKey(queueKey, queue.LastSequence + 1);
                batch.Put(queue.Partition, queueKey, entry);
            }

            // A refused or failed write changed nothing; the counters below move only after it committed.
            try
            {
                _store.Write(batch);
            }
            catch (StorageException ex) when (ex is not PartitionDroppedException)
            {
                Refused(ex is StoreFullException ? WriteState.Full : WriteState.Failing, ex);
                throw;
            }

            _lastMessageNumber = number;
            Interlocked.Increment(ref _messageCount);
            Interlocked.Add(ref _bytes, size);
            Interlocked.Increment(ref _received);
            foreach (var queue in queues)
            {
                queue.LastSequence++;
                queue.AddLength(1);
                queue.AddBytes(size);
            }

            if (_writeState != WriteState.Accepting)
            {
                Accepted();
            }
        }

        foreach (var queue in queues)
        {
            queue.NewMessages.Set();
        }

        return new EnqueueResult(number, endpoints, size);
    }

    /// <summary>
    /// Frees the reusable write batch (a native object with RocksDB). Dispose the message store before the
    /// <see cref="IKeyValueStore"/>, after the pump stopped; it does not dispose the key-value store.
    /// </summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            _disposed = true;
            _enqueueBatch?.Dispose();
            _enqueueBatch = null;
        }
    }

    /// <summary>A reusable buffer of this thread for records up to 64 KiB; larger ones get their own array.</summary>
    private static byte[] RecordBuffer(int size)
    {
        const int CachedLimit = 64 * 1024;
        if (size > CachedLimit)
        {
            return new byte[size];
        }

        var buffer = _threadRecordBuffer;
        if (buffer is null || buffer.Length < size)
        {
            _threadRecordBuffer = buffer = new byte[Math.Max(size, 4096)];
        }

        return buffer;
    }

    /// <summary>Under the write lock. Logs the first refusal of a run of them, not each one.</summary>
    private void ThrowIfOverLimit(int recordBytes)
    {
        var used = Interlocked.Read(ref _bytes);
        if (used + recordBytes <= MaxStoreBytes)
        {
            return;
        }

        var full = new MessageStoreFullException(MaxStoreBytes, used, recordBytes);
        Refused(WriteState.Full, full);
        throw full;
    }

    /// <summary>
    /// Under the write lock. Logs a change of state once (accepting → full, accepting → write failing, or between
    /// the two), not each refusal: a full disk would otherwise log every message a producer retries.
    /// </summary>
    private void Refused(WriteState state, StorageException reason)
    {
        _refusedInState++;
        Interlocked.Increment(ref state == WriteState.Full ? ref _refusedFull : ref _refusedFailed);
        if (state == _writeState)
        {
            return;
        }

        _writeState = state;
        if (state == WriteState.Full)
        {
            Log.StoreFull(_logger, Interlocked.Read(ref _bytes), MaxStoreBytes, reason.Message, reason);
        }
        else
        {
            // The backend's own text (RocksDB's "IO error: No space left on device ...") is in the message.
            Log.StoreWriteFailing(_logger, reason.Message, reason);
        }
    }

    /// <summary>Under the write lock, after the first write that succeeded after refusals.</summary>
    private void Accepted()
    {
        if (_writeState == WriteState.Full)
        {
            Log.StoreAcceptsAgain(_logger, Interlocked.Read(ref _bytes), MaxStoreBytes);
        }
        else
        {
            Log.StoreWritesWorkAgain(_logger, _refusedInState);
        }

        _writeState = WriteState.Accepting;
        _refusedInState = 0;
    }
}
