namespace EdgeModule.Messaging;

/// <summary>
/// A message as the store keeps it: the body, the application properties and the system properties of the IoT Hub
/// message model. It knows nothing of MQTT; the host copies the transport's message into it and back.
/// </summary>
/// <remarks>
/// Immutable once built. <see cref="Body"/> of a message read from the store is a slice of the stored value, so reading
/// a message copies its bytes once.
/// </remarks>
public sealed class EdgeMessage
{
    private static readonly IReadOnlyDictionary<string, string> NoProperties =
        new Dictionary<string, string>(StringComparer.Ordinal);

    public EdgeMessage(ReadOnlyMemory<byte> body) => Body = body;

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Application properties (IoT Hub "properties"), in no particular order.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = NoProperties;

    public string? MessageId { get; init; }

    public string? CorrelationId { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public string? UserId { get; init; }

    public string? To { get; init; }

    public DateTimeOffset? CreationTimeUtc { get; init; }

    /// <summary>Carried through to the upstream; the store's own expiry is <see cref="MessageStoreOptions.TimeToLive"/>.</summary>
    public DateTimeOffset? ExpiryTimeUtc { get; init; }

    /// <summary>The module input the message arrived on.</summary>
    public string? InputName { get; init; }

    /// <summary>The output the sender used, when it came from another module's output.</summary>
    public string? OutputName { get; init; }

    public string? ConnectionDeviceId { get; init; }

    public string? ConnectionModuleId { get; init; }
}
