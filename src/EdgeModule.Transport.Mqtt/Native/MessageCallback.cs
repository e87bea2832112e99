namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// Called on the network thread for each PUBLISH; <paramref name="payload"/> points into library memory and is valid
/// only during the call. For QoS 1 the PUBACK leaves after this returns, so blocking here defers the acknowledgement.
/// </summary>
internal delegate void MessageCallback(string topic, ReadOnlySpan<byte> payload);
