namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>One PKI and one broker per test class.</summary>
public sealed class BrokerFixture : IDisposable
{
    public BrokerFixture()
    {
        Certificates = new TestCertificates();
        Broker = new MosquittoBroker(Certificates);
    }

    public TestCertificates Certificates { get; }

    public MosquittoBroker Broker { get; }

    public void Dispose()
    {
        Broker.Dispose();
        Certificates.Dispose();
    }
}
