namespace EdgeModule.Transport.Mqtt;

/// <summary>
/// A message with its body, application properties and the IoT Hub system properties, like the SDK's Message.
/// Received messages also carry <see cref="InputName"/> and the sender's identity.
/// </summary>
public sealed class Message
{
    private Dictionary<string, string>? _properties;

    public Message(ReadOnlyMemory<byte> body) => Body = body;

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Application properties (never starting with "$."), sent in the topic's property bag.</summary>
    public IDictionary<string, string> Properties => _properties ??= new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether any application property is set, without creating the dictionary (most messages have none).</summary>
    public bool HasProperties => _properties is { Count: > 0 };

    public string? MessageId { get; set; }

    public string? CorrelationId { get; set; }

    public string? ContentType { get; set; }

    public string? ContentEncoding { get; set; }

    public string? UserId { get; set; }

    public string? To { get; set; }

    public DateTimeOffset? CreationTimeUtc { get; set; }

    public DateTimeOffset? ExpiryTimeUtc { get; set; }

    /// <summary>The module input the message arrived on (received messages only).</summary>
    public string? InputName { get; internal set; }

    /// <summary>The output named when the message was sent (<c>$.on</c>), as edgeHub reports it.</summary>
    public string? OutputName { get; internal set; }

    /// <summary>The device that originally sent the message (<c>$.cdid</c>), as edgeHub reports it.</summary>
    public string? ConnectionDeviceId { get; internal set; }

    /// <summary>The module that originally sent the message (<c>$.cmid</c>), as edgeHub reports it.</summary>
    public string? ConnectionModuleId { get; internal set; }
}
