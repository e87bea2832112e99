using EdgeModule.Messaging;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule;

/// <summary>The transport's message and the store's message carry the same IoT Hub model; these copy one into the other.</summary>
internal static class MessageConversions
{
    private static readonly IReadOnlyDictionary<string, string> NoProperties = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>A copy of the message's model; most messages have no properties, and then no dictionary is made.</summary>
    public static EdgeMessage ToEdgeMessage(this Message message) => new(message.Body)
    {
        Properties = message.HasProperties ? new Dictionary<string, string>(message.Properties, StringComparer.Ordinal) : NoProperties,
        MessageId = message.MessageId,
        CorrelationId = message.CorrelationId,
        ContentType = message.ContentType,
        ContentEncoding = message.ContentEncoding,
        UserId = message.UserId,
        To = message.To,
        CreationTimeUtc = message.CreationTimeUtc,
        ExpiryTimeUtc = message.ExpiryTimeUtc,
        InputName = message.InputName,
        OutputName = message.OutputName,
        ConnectionDeviceId = message.ConnectionDeviceId,
        ConnectionModuleId = message.ConnectionModuleId,
    };

    /// <summary>An outgoing message: body, application and system properties (the sender's identity is the broker's to add).</summary>
    public static Message ToTransportMessage(this EdgeMessage message)
    {
        var result = new Message(message.Body)
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            ContentType = message.ContentType,
            ContentEncoding = message.ContentEncoding,
            UserId = message.UserId,
            To = message.To,
            CreationTimeUtc = message.CreationTimeUtc,
            ExpiryTimeUtc = message.ExpiryTimeUtc,
        };
        foreach (var (key, value) in message.Properties)
        {
            result.Properties[key] = value;
        }

        return result;
    }
}
