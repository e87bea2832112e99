using EdgeModule.Tests.Infrastructure;
using EdgeModule.Tests.Shared;

namespace EdgeModule.Tests;

/// <summary>
/// The test brokers' own start: a mosquitto that cannot start says why (its log, not an empty message), a taken port
/// is told apart so a first start can move to another port, and ports come from below the ephemeral range that
/// outgoing connections draw their local ports from.
/// </summary>
public sealed class BrokerStartTests
{
    [Fact]
    public void Start_PortAlreadyListening_FailsWithTheBrokersLogAndAddressInUse()
    {
        using var broker = new Broker();
        var folder = Directory.CreateTempSubdirectory("edgemodule-broker-clash-");
        try
        {
            var config = Path.Combine(folder.FullName, "mosquitto.conf");
            File.WriteAllText(config, $"user root\nallow_anonymous true\nlog_dest stderr\nlistener {broker.Port} 127.0.0.1\n");

            var failure = Assert.Throws<MosquittoStartException>(() => MosquittoProcess.Start(config, TestTimeouts.Signal));

            Assert.True(failure.AddressInUse);
            Assert.Contains("Address already in use", failure.Message, StringComparison.Ordinal);
            Assert.True(broker.IsRunning);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Start_BadConfig_FailsWithTheBrokersLogAndNotAddressInUse()
    {
        var folder = Directory.CreateTempSubdirectory("edgemodule-broker-bad-");
        try
        {
            var config = Path.Combine(folder.FullName, "mosquitto.conf");
            File.WriteAllText(config, "no_such_option 1\n");

            var failure = Assert.Throws<MosquittoStartException>(() => MosquittoProcess.Start(config, TestTimeouts.Signal));

            Assert.False(failure.AddressInUse);
            Assert.Contains("no_such_option", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Broker_Port_IsBelowTheEphemeralRange()
    {
        var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        using var broker = new Broker();

        Assert.InRange(broker.Port, 10000, ephemeralLow - 1);
    }
}
