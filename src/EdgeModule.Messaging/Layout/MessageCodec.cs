using System.Buffers.Binary;
using System.Text;

namespace EdgeModule.Messaging.Layout;

/// <summary>
/// The message record of <c>mq.messages</c>: a compact binary encoding, no JSON, with a leading version byte.
/// </summary>
/// <remarks>
/// <code>
/// u8      version (1)
/// i64 LE  enqueue time, UTC ticks
/// varint  S; S × (u8 tag, varint length, bytes)          system properties, see the tags below
/// varint  P; P × (varint length, UTF-8 name, varint length, UTF-8 value)    application properties
/// varint  B; B bytes                                        body
/// </code>
/// varint = unsigned LEB128 of at most 5 bytes (a 31-bit length). Strings are UTF-8; times are i64 LE UTC ticks
/// (8 bytes). A reader skips system tags it does not know, so a field can be added without a version bump; changing
/// what a field means needs version 2 (and a reader for 1). Decoding is strict: the record must end exactly after the
/// body, every length must fit, UTF-8 must be valid and names unique; anything else is a
/// <see cref="MessageCorruptException"/> naming the offset.
/// </remarks>
internal static class MessageCodec
{
    public const byte Version = 1;

    // System property tags: persisted, never renumber.
    private const byte TagMessageId = 1;
    private const byte TagCorrelationId = 2;
    private const byte TagContentType = 3;
    private const byte TagContentEncoding = 4;
    private const byte TagUserId = 5;
    private const byte TagTo = 6;
    private const byte TagCreationTime = 7;
    private const byte TagExpiryTime = 8;
    private const byte TagInputName = 9;
    private const byte TagOutputName = 10;
    private const byte TagConnectionDeviceId = 11;
    private const byte TagConnectionModuleId = 12;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The record's exact length: the first of two passes over the fields (no intermediate collections).</summary>
    public static int GetEncodedSize(EdgeMessage message)
    {
        var systemCount = 0;
        var size = 1 + 8;
        for (var tag = TagMessageId; tag <= TagConnectionModuleId; tag++)
        {
            var n = SystemFieldSize(message, tag);
            if (n >= 0)
            {
                size += 1 + VarIntSize(n) + n;
                systemCount++;
            }
        }

        size += VarIntSize(systemCount) + VarIntSize(message.Properties.Count);
        foreach (var (name, value) in message.Properties)
        {
            var n = StrictUtf8.GetByteCount(name);
            var v = StrictUtf8.GetByteCount(value);
            size += VarIntSize(n) + n + VarIntSize(v) + v;
        }

        size += VarIntSize(message.Body.Length) + message.Body.Length;
        return size;
    }

    public static byte[] Encode(EdgeMessage message, long enqueuedTicks)
    {
        var buffer = new byte[GetEncodedSize(message)];
        Encode(message, enqueuedTicks, buffer);
        return buffer;
    }

    /// <summary>Writes the record into <paramref name="span"/>, which must be exactly <see cref="GetEncodedSize"/> long.</summary>
    public static void Encode(EdgeMessage message, long enqueuedTicks, Span<byte> span)
    {
        var systemCount = 0;
        for (var tag = TagMessageId; tag <= TagConnectionModuleId; tag++)
        {
            systemCount += SystemTime(message, tag) is not null || SystemString(message, tag) is not null ? 1 : 0;
        }

        span[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], enqueuedTicks);
        var pos = 9;
        pos += WriteVarInt(span[pos..], systemCount);
        for (var tag = TagMessageId; tag <= TagConnectionModuleId; tag++)
        {
            pos += WriteSystemField(span[pos..], message, tag);
        }

        pos += WriteVarInt(span[pos..], message.Properties.Count);
        foreach (var (name, value) in message.Properties)
        {
            pos += WriteString(span[pos..], name);
            pos += WriteString(span[pos..], value);
        }

        pos += WriteVarInt(span[pos..], message.Body.Length);
        message.Body.Span.CopyTo(span[pos..]);
        if (pos + message.Body.Length != span.Length)
        {
            throw new ArgumentException("The destination is not exactly the record's length.", nameof(span));
        }
    }

    /// <summary>Decodes a record; the returned message's body is a slice of <paramref name="record"/>.</summary>
    public static EdgeMessage Decode(byte[] record, out long enqueuedTicks)
    {
        var reader = new Reader(record);
        var version = reader.Byte();
        if (version != Version)
        {
            throw new MessageCorruptException($"Unknown message record version {version} (this build reads version {Version}).");
        }

        enqueuedTicks = reader.Int64();

        // Where each known system field lies in the record (length -1: absent), and every tag seen, known or not.
        Span<int> offsets = stackalloc int[TagConnectionModuleId + 1];
        Span<int> lengths = stackalloc int[TagConnectionModuleId + 1];
        Span<ulong> seen = stackalloc ulong[4];
        lengths.Fill(-1);
        seen.Clear();
        var systemCount = reader.VarInt();
        for (var i = 0; i < systemCount; i++)
        {
            var tag = reader.Byte();
            var length = reader.VarInt();
            var offset = reader.Skip(length);
            var bit = 1UL << (tag & 63);
            if ((seen[tag >> 6] & bit) != 0)
            {
                throw reader.Corrupt($"system property tag {tag} appears twice");
            }

            seen[tag >> 6] |= bit;
            if (tag <= TagConnectionModuleId)
            {
                offsets[tag] = offset;
                lengths[tag] = length;
            }
        }

        var propertyCount = reader.VarInt();
        var properties = new Dictionary<string, string>(Math.Min(propertyCount, 64), StringComparer.Ordinal);
        for (var i = 0; i < propertyCount; i++)
        {
            var name = reader.String();
            if (!properties.TryAdd(name, reader.String()))
            {
                throw reader.Corrupt($"application property '{name}' appears twice");
            }
        }

        var body = reader.Bytes(reader.VarInt());
        reader.ExpectEnd();
        return new EdgeMessage(body)
        {
            Properties = properties,
            MessageId = Text(offsets, lengths, TagMessageId, reader),
            CorrelationId = Text(offsets, lengths, TagCorrelationId, reader),
            ContentType = Text(offsets, lengths, TagContentType, reader),
            ContentEncoding = Text(offsets, lengths, TagContentEncoding, reader),
            UserId = Text(offsets, lengths, TagUserId, reader),
            To = Text(offsets, lengths, TagTo, reader),
            CreationTimeUtc = Time(offsets, lengths, TagCreationTime, reader),
            ExpiryTimeUtc = Time(offsets, lengths, TagExpiryTime, reader),
            InputName = Text(offsets, lengths, TagInputName, reader),
            OutputName = Text(offsets, lengths, TagOutputName, reader),
            ConnectionDeviceId = Text(offsets, lengths, TagConnectionDeviceId, reader),
            ConnectionModuleId = Text(offsets, lengths, TagConnectionModuleId, reader),
        };
    }

    private static string? SystemString(EdgeMessage m, byte tag) => tag switch
    {
        TagMessageId => m.MessageId,
        TagCorrelationId => m.CorrelationId,
        TagContentType => m.ContentType,
        TagContentEncoding => m.ContentEncoding,
        TagUserId => m.UserId,
        TagTo => m.To,
        TagInputName => m.InputName,
        TagOutputName => m.OutputName,
        TagConnectionDeviceId => m.ConnectionDeviceId,
        TagConnectionModuleId => m.ConnectionModuleId,
        _ => null,
    };

    private static DateTimeOffset? SystemTime(EdgeMessage m, byte tag) => tag switch
    {
        TagCreationTime => m.CreationTimeUtc,
        TagExpiryTime => m.ExpiryTimeUtc,
        _ => null,
    };

    /// <summary>Encoded length of the field's value, or -1 when the message does not have it.</summary>
    private static int SystemFieldSize(EdgeMessage m, byte tag) =>
        SystemTime(m, tag) is not null ? 8 : SystemString(m, tag) is { } s ? StrictUtf8.GetByteCount(s) : -1;

    private static int WriteSystemField(Span<byte> span, EdgeMessage m, byte tag)
    {
        if (SystemTime(m, tag) is { } time)
        {
            span[0] = tag;
            span[1] = 8;
            BinaryPrimitives.WriteInt64LittleEndian(span[2..], time.UtcTicks);
            return 10;
        }

        if (SystemString(m, tag) is { } text)
        {
            span[0] = tag;
            return 1 + WriteString(span[1..], text);
        }

        return 0;
    }

    private static string? Text(ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths, byte tag, Reader reader) =>
        lengths[tag] < 0 ? null : reader.Utf8(reader.Slice(offsets[tag], lengths[tag]));

    private static DateTimeOffset? Time(ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths, byte tag, Reader reader)
    {
        var length = lengths[tag];
        if (length < 0)
        {
            return null;
        }

        var ticks = length == 8 ? BinaryPrimitives.ReadInt64LittleEndian(reader.Slice(offsets[tag], 8)) : -1;
        return ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : throw reader.Corrupt($"time field {tag} is {length} bytes or out of range");
    }

    private static int WriteString(Span<byte> span, string value)
    {
        var n = StrictUtf8.GetByteCount(value);
        var head = WriteVarInt(span, n);
        StrictUtf8.GetBytes(value, span[head..]);
        return head + n;
    }

    private static int VarIntSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    private static int WriteVarInt(Span<byte> span, int value)
    {
        var v = (uint)value;
        var i = 0;
        for (; v >= 0x80; v >>= 7)
        {
            span[i++] = (byte)(v | 0x80);
        }

        span[i++] = (byte)v;
        return i;
    }

    /// <summary>Bounds-checked reads that turn every overrun into a <see cref="MessageCorruptException"/>.</summary>
    private sealed class Reader(byte[] record)
    {
        private int _pos;

        public byte Byte() => _pos < record.Length ? record[_pos++] : throw Corrupt("truncated");

        public long Int64()
        {
            Need(8);
            var value = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(_pos));
            _pos += 8;
            return value;
        }

        public int VarInt()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = Byte();
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value <= int.MaxValue ? (int)value : throw Corrupt("length out of range");
                }
            }

            throw Corrupt("varint longer than 5 bytes");
        }

        public ReadOnlyMemory<byte> Bytes(int length)
        {
            Need(length);
            var slice = record.AsMemory(_pos, length);
            _pos += length;
            return slice;
        }

        /// <summary>Steps over a field of <paramref name="length"/> bytes and returns where it starts.</summary>
        public int Skip(int length)
        {
            Need(length);
            var offset = _pos;
            _pos += length;
            return offset;
        }

        public ReadOnlySpan<byte> Slice(int offset, int length) => record.AsSpan(offset, length);

        public string String() => Utf8(Bytes(VarInt()).Span);

        public string Utf8(ReadOnlySpan<byte> bytes)
        {
            try
            {
                return StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new MessageCorruptException($"Message record: invalid UTF-8 near offset {_pos}.", ex);
            }
        }

        public void ExpectEnd()
        {
            if (_pos != record.Length)
            {
                throw Corrupt($"{record.Length - _pos} bytes after the body");
            }
        }

        public MessageCorruptException Corrupt(string problem) =>
            new($"Message record of {record.Length} bytes is corrupt at offset {_pos}: {problem}.");

        private void Need(int length)
        {
            if (length > record.Length - _pos)
            {
                throw Corrupt($"a field of {length} bytes runs past the end");
            }
        }
    }
}
