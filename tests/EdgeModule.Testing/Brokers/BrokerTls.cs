namespace EdgeModule.Tests.Infrastructure;

/// <summary>The CA and server certificate of a <see cref="Broker"/>'s TLS listener (PEM files).</summary>
public sealed record BrokerTls(string CaFile, string CertFile, string KeyFile);
