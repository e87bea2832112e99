namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// Called on the network thread for each PUBLISH; <paramref name="topic"/> (UTF-8, no terminator) and
/// <paramref name="payload"/> point into library memory and are valid only during the call. For QoS 1 the PUBACK
/// leaves after this returns, unless the callback holds it (MosquittoConnection.Hold) until the message is safe.
/// </summary>
internal delegate void MessageCallback(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload);
