using System.Buffers.Binary;

namespace EdgeModule.Messaging.Layout;

/// <summary>
/// The partitions and keys of the message store. Backups carry these partitions as they are, so this layout is a
/// persisted format: see docs/message-store.md, which a message-aware restore will read.
/// </summary>
/// <remarks>
/// <code>
/// partition          key                                  value
/// mq.meta            "format" (UTF-8)                     u8 layout version (1)
/// mq.messages        u64 BE message number                message record (MessageCodec, version byte 1)
/// mq.refcounts       u64 BE message number                i32 LE count; present only while count >= 2
/// mq.queue.{ep}      u64 BE endpoint sequence (1, 2, …)   queue entry (QueueEntry, 21 bytes, version byte 1)
/// mq.checkpoints     endpoint name (UTF-8)                u8 1, i64 LE last delivered sequence
/// mq.quarantine      endpoint (UTF-8), 0x00, u64 BE seq   the undecodable message record as it was (may be empty)
/// </code>
/// Keys are big-endian so the store's bytewise order is numeric order; values are little-endian. One partition per
/// endpoint (not one shared partition with prefixed keys): a queue is then exactly a partition, so its head and tail are
/// SeekToFirst/SeekToLast, its length is the partition's count (O(1) in memory), a backup or an operator sees one
/// partition per endpoint, and a retired endpoint can be dropped in one call. The cost is a RocksDB column family (and
/// memtable) per endpoint, which is fine for the handful of endpoints a module routes to.
/// </remarks>
internal static class StoreLayout
{
    public const byte FormatVersion = 1;
    public const string MetaPartition = "mq.meta";
    public const string MessagesPartition = "mq.messages";
    public const string RefCountsPartition = "mq.refcounts";
    public const string CheckpointsPartition = "mq.checkpoints";
    public const string QuarantinePartition = "mq.quarantine";
    public const string QueuePartitionPrefix = "mq.queue.";
    public const int SequenceKeyBytes = 8;
    public const int CheckpointValueBytes = 9;

    public static readonly byte[] FormatKey = "format"u8.ToArray();

    public static string QueuePartition(string endpoint) => QueuePartitionPrefix + endpoint;

    public static byte[] SequenceKey(long sequence)
    {
        var key = new byte[SequenceKeyBytes];
        BinaryPrimitives.WriteInt64BigEndian(key, sequence);
        return key;
    }

    public static void WriteSequenceKey(Span<byte> key, long sequence) => BinaryPrimitives.WriteInt64BigEndian(key, sequence);

    public static bool TryReadSequenceKey(ReadOnlySpan<byte> key, out long sequence)
    {
        sequence = 0;
        if (key.Length != SequenceKeyBytes)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64BigEndian(key);
        return sequence > 0;
    }

    public static byte[] CheckpointKey(string endpoint) => System.Text.Encoding.UTF8.GetBytes(endpoint);

    public static byte[] CheckpointValue(long sequence)
    {
        var value = new byte[CheckpointValueBytes];
        value[0] = FormatVersion;
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(1), sequence);
        return value;
    }

    public static long ReadCheckpointValue(byte[] value, string endpoint)
    {
        if (value.Length != CheckpointValueBytes || value[0] != FormatVersion)
        {
            throw new MessageCorruptException(
                $"The checkpoint of endpoint '{endpoint}' is {value.Length} bytes with version {(value.Length > 0 ? value[0] : -1)}; expected {CheckpointValueBytes} bytes, version {FormatVersion}.");
        }

        return BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(1));
    }

    public static byte[] RefCountValue(int count)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(value, count);
        return value;
    }

    /// <summary>An absent entry means one reference: most messages go to one endpoint and need no refcount record.</summary>
    public static int ReadRefCount(byte[]? value) =>
        value is null ? 1
        : value.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(value)
        : throw new MessageCorruptException($"A reference count record is {value.Length} bytes; expected 4.");

    public static byte[] QuarantineKey(string endpoint, long sequence)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(endpoint);
        var key = new byte[name.Length + 1 + SequenceKeyBytes];
        name.CopyTo(key, 0);
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(name.Length + 1), sequence);
        return key;
    }
}
