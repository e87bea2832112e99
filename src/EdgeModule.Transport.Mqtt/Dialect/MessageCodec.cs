using System.Globalization;
using System.Text;

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

    /// <summary>The topic for <paramref name="message"/>: events prefix, then the bag (system properties first).</summary>
    public static string EncodeTopic(string eventsPrefix, Message message, string? outputName)
    {
        var bag = new StringBuilder();
        AppendIfSet(bag, OutputName, outputName);
        AppendIfSet(bag, MessageId, message.MessageId);
        AppendIfSet(bag, CorrelationId, message.CorrelationId);
        AppendIfSet(bag, ContentType, message.ContentType);
        AppendIfSet(bag, ContentEncoding, message.ContentEncoding);
        AppendIfSet(bag, UserId, message.UserId);
        AppendIfSet(bag, To, message.To);
        AppendIfSet(bag, CreationTime, message.CreationTimeUtc?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
        AppendIfSet(bag, ExpiryTime, message.ExpiryTimeUtc?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
        foreach (var (key, value) in message.Properties)
        {
            if (key.StartsWith("$.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Application property '{key}' uses the reserved '$.' prefix.", nameof(message));
            }

            PropertyBag.Append(bag, key, value);
        }

        return eventsPrefix + bag.ToString();
    }

    /// <summary>Builds a received message from its bag; false (with a reason) when the bag is malformed.</summary>
    public static bool TryDecode(string bag, ReadOnlyMemory<byte> body, out Message message, out string? error)
    {
        message = new Message(body);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!PropertyBag.TryParse(bag, properties, out error))
        {
            return false;
        }

        foreach (var (key, value) in properties)
        {
            switch (key)
            {
                case MessageId: message.MessageId = value; break;
                case CorrelationId: message.CorrelationId = value; break;
                case ContentType: message.ContentType = value; break;
                case ContentEncoding: message.ContentEncoding = value; break;
                case UserId: message.UserId = value; break;
                case To: message.To = value; break;
                case OutputName: message.OutputName = value; break;
                case ConnectionDeviceId: message.ConnectionDeviceId = value; break;
                case ConnectionModuleId: message.ConnectionModuleId = value; break;
                case CreationTime or ExpiryTime:
                    if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                    {
                        error = $"'{key}' is not a date: '{value}'";
                        return false;
                    }

                    if (key == CreationTime)
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
                    message.Properties[key] = value;
                    break;
            }
        }

        return true;
    }

    private static void AppendIfSet(StringBuilder bag, string key, string? value)
    {
        if (value is not null)
        {
            PropertyBag.Append(bag, key, value);
        }
    }
}
