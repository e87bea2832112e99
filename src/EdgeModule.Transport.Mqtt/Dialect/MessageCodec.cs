using System.Globalization;

namespace EdgeModule.Transport.Mqtt.Dialect;

/// <summary>Maps <see cref="Message"/> to and from the property bag; system properties use the <c>$.</c> keys.</summary>
internal static class MessageCodec
{
    private const string MessageId = "$.mid";
    private const string CorrelationId = "$.cid";
    private const string ContentType = "$.ct";
    private const string ContentEncoding = "$.ce";
    private const string UserId = "$.uid";
    private const string To = "$.to";
    private const string CreationTime = "$.ctime";
    private const string ExpiryTime = "$.exp";
    private const string OutputName = "$.on";
    private const string ConnectionDeviceId = "$.cdid";
    private const string ConnectionModuleId = "$.cmid";

    /// <summary>Writes the bag of <paramref name="message"/> after the prefix: system properties first, then the application ones.</summary>
    public static void WriteBag(ref TopicWriter topic, Message message, string? outputName)
    {
        AppendIfSet(ref topic, OutputName, outputName);
        AppendIfSet(ref topic, MessageId, message.MessageId);
        AppendIfSet(ref topic, CorrelationId, message.CorrelationId);
        AppendIfSet(ref topic, ContentType, message.ContentType);
        AppendIfSet(ref topic, ContentEncoding, message.ContentEncoding);
        AppendIfSet(ref topic, UserId, message.UserId);
        AppendIfSet(ref topic, To, message.To);
        AppendTimeIfSet(ref topic, CreationTime, message.CreationTimeUtc);
        AppendTimeIfSet(ref topic, ExpiryTime, message.ExpiryTimeUtc);
        if (!message.HasProperties)
        {
            return;
        }

        foreach (var (key, value) in message.Properties)
        {
            if (key.StartsWith("$.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Application property '{key}' uses the reserved '$.' prefix.", nameof(message));
            }

            topic.AppendPair(key, value);
        }
    }

    /// <summary>
    /// Builds a received message from its bag; false (with a reason) when the bag is malformed. System keys are
    /// matched without allocating; only values (and application keys) become strings.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> bag, ReadOnlyMemory<byte> body, out Message message, out string? error)
    {
        message = new Message(body);
        Span<char> keyBuffer = stackalloc char[64];
        Span<char> timeBuffer = stackalloc char[64];
        var reader = new PropertyBag.Reader(bag);
        while (reader.TryRead(out var rawKey, out var rawValue, out error))
        {
            var key = Unescaped(rawKey, keyBuffer);
            switch (key)
            {
                case MessageId: message.MessageId = PropertyBag.Unescape(rawValue); break;
                case CorrelationId: message.CorrelationId = PropertyBag.Unescape(rawValue); break;
                case ContentType: message.ContentType = PropertyBag.Unescape(rawValue); break;
                case ContentEncoding: message.ContentEncoding = PropertyBag.Unescape(rawValue); break;
                case UserId: message.UserId = PropertyBag.Unescape(rawValue); break;
                case To: message.To = PropertyBag.Unescape(rawValue); break;
                case OutputName: message.OutputName = PropertyBag.Unescape(rawValue); break;
                case ConnectionDeviceId: message.ConnectionDeviceId = PropertyBag.Unescape(rawValue); break;
                case ConnectionModuleId: message.ConnectionModuleId = PropertyBag.Unescape(rawValue); break;
                case CreationTime or ExpiryTime:
                    var text = Unescaped(rawValue, timeBuffer);
                    if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    {
                        error = $"'{key}' is not a date: '{text}'";
                        return false;
                    }

                    if (key.SequenceEqual(CreationTime))
                    {
                        message.CreationTimeUtc = time.ToUniversalTime();
                    }
                    else
                    {
                        message.ExpiryTimeUtc = time.ToUniversalTime();
                    }

                    break;
                default:
                    // Unknown "$." keys (e.g. $.schema, $.ifid) stay visible to the caller as properties.
                    message.Properties[key.ToString()] = PropertyBag.Unescape(rawValue);
                    break;
            }
        }

        return error is null;
    }

    /// <summary>The decoded text of an escaped key or value, in <paramref name="buffer"/> when it fits.</summary>
    private static ReadOnlySpan<char> Unescaped(ReadOnlySpan<char> raw, Span<char> buffer) =>
        !raw.Contains('%') ? raw : Uri.TryUnescapeDataString(raw, buffer, out var written) ? buffer[..written] : Uri.UnescapeDataString(raw);

    private static void AppendIfSet(ref TopicWriter topic, string key, string? value)
    {
        if (value is not null)
        {
            topic.AppendPair(key, value);
        }
    }

    private static void AppendTimeIfSet(ref TopicWriter topic, string key, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            Span<char> text = stackalloc char[40];
            _ = time.UtcDateTime.TryFormat(text, out var written, "o", CultureInfo.InvariantCulture);
            topic.AppendPair(key, text[..written]);
        }
    }
}
