using System.Collections.Frozen;
using EdgeModule.Messaging.Layout;
using EdgeModule.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeModule.Messaging;

/// <summary>
/// The edge message store on an <see cref="IKeyValueStore"/>: each message stored once, referenced from the queue of
/// every endpoint it is routed to, a delivery checkpoint per endpoint, TTL and a cleanup pass, and a size limit.
/// Layout and encodings: <see cref="StoreLayout"/> and docs/message-store.md.
/// </summary>
/// <remarks>
/// Protocol with the other parties:
/// <list type="number">
/// <item>Open: the constructor recovers everything it keeps in memory from the store (last sequence per queue, which
/// is the larger of the queue's last key and its checkpoint, so numbers never go back even when cleanup emptied the
/// queue; the last message number; the count and bytes of message records), so a reopened RocksDB store and a
/// restored in-memory store continue exactly where the copy left off.</item>
/// <item><see cref="Enqueue"/>: one atomic write batch holds the record, its reference count and an entry per
/// endpoint. Sequence numbers are given out under one lock and written in that order, so a reader that sees entry n
/// has seen every entry before it. When the call returns, the store has the message: acknowledge it then.</item>
/// <item>The pump: <see cref="ReadBatch"/> after the checkpoint (from one store snapshot, so an entry and its record
/// are read together), forward, then <see cref="Acknowledge"/>, which writes the new checkpoint.</item>
/// <item><see cref="Cleanup"/> (timer): removes queue heads that are delivered (at or below the checkpoint) or
/// expired, decrements reference counts and deletes records nobody references, in atomic batches.</item>
/// </list>
/// The store does not own the <see cref="IKeyValueStore"/>: the host opens and disposes it, after stopping the pump.
/// Thread safety: every member may be called from any thread; one pump per endpoint.
/// </remarks>
public sealed partial class MessageStore : IDisposable
{
    private readonly IKeyValueStore _store;
    private readonly MessageStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IPartition _messages;
    private readonly IPartition _refCounts;
    private readonly IPartition _checkpoints;
    private readonly IPartition _quarantine;
    private readonly FrozenDictionary<string, EndpointQueue> _queues;

    public MessageStore(IKeyValueStore store, MessageStoreOptions? options = null, TimeProvider? timeProvider = null,
        ILogger<MessageStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new MessageStoreOptions();
        _options.Validate();
        InitializeSettings();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;

        CheckFormat(store);
        _messages = store.GetOrCreatePartition(StoreLayout.MessagesPartition);
        _refCounts = store.GetOrCreatePartition(StoreLayout.RefCountsPartition);
        _checkpoints = store.GetOrCreatePartition(StoreLayout.CheckpointsPartition);
        _quarantine = store.GetOrCreatePartition(StoreLayout.QuarantinePartition);

        // Queues of endpoints no route names any more still hold messages someone accepted: keep forwarding them.
        var names = _options.Routes.Endpoints
            .Concat(store.ListPartitions()
                .Where(p => p.StartsWith(StoreLayout.QueuePartitionPrefix, StringComparison.Ordinal))
                .Select(p => p[StoreLayout.QueuePartitionPrefix.Length..]))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        _queues = names.ToFrozenDictionary(n => n, RecoverQueue, StringComparer.Ordinal);
        Endpoints = [.. _queues.Keys.Order(StringComparer.Ordinal)];
        RecoverMessages();
        Log.Opened(_logger, store.BackendName, _messageCount, _bytes, MaxStoreBytes, string.Join(',', Endpoints));
    }

    /// <summary>Every endpoint with a queue: those the routes name and those found in the store, in ordinal order.</summary>
    public IReadOnlyList<string> Endpoints { get; }

    public MessageStoreOptions Options => _options;

    internal TimeProvider TimeProvider => _time;

    /// <summary>Completes when a message is enqueued for <paramref name="endpoint"/> after the last <see cref="ReadBatch"/> of it.</summary>
    public Task WaitForMessagesAsync(string endpoint, CancellationToken cancellationToken) =>
        GetQueue(endpoint).NewMessages.WaitAsync(cancellationToken);

    internal EndpointQueue GetQueue(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _queues.TryGetValue(endpoint, out var queue) ? queue
            : throw new ArgumentException($"'{endpoint}' is not an endpoint of this store (endpoints: {string.Join(',', Endpoints)}).", nameof(endpoint));
    }

    private static void CheckFormat(IKeyValueStore store)
    {
        var meta = store.GetOrCreatePartition(StoreLayout.MetaPartition);
        var format = meta.Get(StoreLayout.FormatKey);
        if (format is null)
        {
            meta.Put(StoreLayout.FormatKey, [StoreLayout.FormatVersion]);
        }
        else if (format.Length != 1 || format[0] != StoreLayout.FormatVersion)
        {
            throw new MessageCorruptException(
                $"The store holds message store layout version {(format.Length == 1 ? format[0] : -1)}; this build reads version {StoreLayout.FormatVersion}.");
        }
    }

    private EndpointQueue RecoverQueue(string endpoint)
    {
        var partition = _store.GetOrCreatePartition(StoreLayout.QueuePartition(endpoint));
        var queue = new EndpointQueue(endpoint, partition, StoreLayout.CheckpointKey(endpoint));
        var checkpoint = _checkpoints.Get(queue.CheckpointKey) is { } value ? StoreLayout.ReadCheckpointValue(value, endpoint) : 0;
        long last = 0;
        long first = 0;
        using (var cursor = partition.OpenCursor())
        {
            cursor.SeekToFirst();
            if (cursor.IsValid && StoreLayout.TryReadSequenceKey(cursor.Key, out var head))
            {
                first = head;
            }

            cursor.SeekToLast();
            if (cursor.IsValid)
            {
                if (!StoreLayout.TryReadSequenceKey(cursor.Key, out last))
                {
                    throw new MessageCorruptException($"The last key of queue '{endpoint}' is not a {StoreLayout.SequenceKeyBytes}-byte sequence.");
                }

                // A message number is never reused while an entry may still name it, even one whose record is lost.
                if (QueueEntry.TryDecode(cursor.Value, out var entry, out _))
                {
                    _lastMessageNumber = Math.Max(_lastMessageNumber, entry.MessageNumber);
                }
            }
        }

        queue.Checkpoint = checkpoint;
        queue.LastSequence = Math.Max(last, checkpoint);
        queue.RemovedThrough = first > 0 ? first - 1 : queue.LastSequence;
        RecoverLength(queue);
        return queue;
    }

    /// <summary>Entries and their record bytes (the entries' copies of the size), one pass over the small values.</summary>
    private static void RecoverLength(EndpointQueue queue)
    {
        long length = 0, bytes = 0;
        using var cursor = queue.Partition.OpenCursor();
        for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
        {
            length++;
            bytes += QueueEntry.TryDecode(cursor.Value, out var entry, out _) ? entry.RecordBytes : 0;
        }

        queue.Length = length;
        queue.AddBytes(bytes);
    }

    private void RecoverMessages()
    {
        using var cursor = _messages.OpenCursor();
        cursor.SeekToLast();
        if (cursor.IsValid && StoreLayout.TryReadSequenceKey(cursor.Key, out var last))
        {
            _lastMessageNumber = Math.Max(_lastMessageNumber, last);
        }

        // One pass over the records (sizes only): the byte total is not persisted, so it cannot drift from the data.
        for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
        {
            _messageCount++;
            _bytes += cursor.Value.Length;
        }
    }
}
