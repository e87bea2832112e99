using EdgeModule.Tests.Infrastructure;
using EdgeModule.Tests.Shared;

namespace EdgeModule.Tests;

/// <summary>
/// The test brokers' own start: a mosquitto that cannot start says why (its log, not an empty message), a taken port
/// is told apart so a first start can move to another port, and ports come from outside the ephemeral range that
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
            File.WriteAllText(config, $"user root\nallow_anonymous true\n{MosquittoProcess.StderrLog}\nlistener {broker.Port} 127.0.0.1\n");

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
    public void Broker_Port_IsOutsideTheEphemeralRange()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        using var broker = new Broker();

        Assert.InRange(broker.Port, LoopbackPorts.Range.Lowest, LoopbackPorts.Range.Highest);
        Assert.False(broker.Port >= range[0] && broker.Port <= range[1], $"port {broker.Port} is inside {range[0]}-{range[1]}");
    }
}
