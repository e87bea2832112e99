using System.Buffers.Binary;

namespace EdgeModule.Messaging.Layout;

/// <summary>
/// One entry of an endpoint queue: which message, when it was enqueued and how many bytes its record holds. The time
/// and size are copies of the message's, so cleanup and TTL checks never read the (large) message record.
/// </summary>
/// <remarks>Encoding, 21 bytes: u8 version (1), u64 LE message number, i64 LE enqueue time (UTC ticks), i32 LE record size.</remarks>
internal readonly record struct QueueEntry(long MessageNumber, long EnqueuedTicks, int RecordBytes)
{
    public const int EncodedBytes = 21;

    public byte[] Encode()
    {
        var value = new byte[EncodedBytes];
        Encode(value);
        return value;
    }

    /// <summary>Writes the 21 bytes into <paramref name="value"/> (at least <see cref="EncodedBytes"/> long).</summary>
    public void Encode(Span<byte> value)
    {
        value[0] = StoreLayout.FormatVersion;
        BinaryPrimitives.WriteInt64LittleEndian(value[1..], MessageNumber);
        BinaryPrimitives.WriteInt64LittleEndian(value[9..], EnqueuedTicks);
        BinaryPrimitives.WriteInt32LittleEndian(value[17..], RecordBytes);
    }

    public static bool TryDecode(ReadOnlySpan<byte> value, out QueueEntry entry, out string? problem)
    {
        entry = default;
        problem = null;
        if (value.Length != EncodedBytes || value[0] != StoreLayout.FormatVersion)
        {
            problem = $"queue entry of {value.Length} bytes, version {(value.IsEmpty ? -1 : value[0])}; expected {EncodedBytes} bytes, version {StoreLayout.FormatVersion}";
            return false;
        }

        entry = new QueueEntry(
            BinaryPrimitives.ReadInt64LittleEndian(value[1..]),
            BinaryPrimitives.ReadInt64LittleEndian(value[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(value[17..]));
        if (entry.MessageNumber <= 0 || entry.RecordBytes < 0)
        {
            problem = $"queue entry names message {entry.MessageNumber} of {entry.RecordBytes} bytes";
            return false;
        }

        return true;
    }
}
