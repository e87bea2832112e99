namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// Called on the network thread for each PUBLISH; <paramref name="topic"/> (UTF-8, no terminator) and
/// <paramref name="payload"/> point into library memory and are valid only during the call. For QoS 1 the PUBACK
/// leaves after this returns, so blocking here defers the acknowledgement.
/// </summary>
internal delegate void MessageCallback(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload);
