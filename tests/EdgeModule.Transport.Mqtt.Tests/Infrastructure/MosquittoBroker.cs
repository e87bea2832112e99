using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>
/// The shared <see cref="Broker"/> with the transport tests' setup: a plain and a TLS listener (server certificate of
/// <see cref="TestCertificates"/>), 100 QoS 1 messages in flight per client, and any extra config lines.
/// </summary>
public sealed class MosquittoBroker(TestCertificates certificates, string? extraConfig = null)
    : Broker(start: true, new BrokerTls(certificates.CaFile, certificates.ServerCertFile, certificates.ServerKeyFile), extraConfig, maxInflightMessages: 100);
