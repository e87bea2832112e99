using System.Text;
using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt.Tests.Dialect;

public sealed class IotHubTopicsTests
{
    [Theory]
    [InlineData("$iothub/methods/POST/reboot/?$rid=1", "reboot", "1")]
    [InlineData("$iothub/methods/POST/a%20b/?$rid=x%2Fy", "a%20b", "x/y")]
    public void TryParseMethod_WellFormed_ExtractsNameAndRequestId(string topic, string name, string rid)
    {
        Assert.True(IotHubTopics.TryParseMethod(topic, out var method, out var requestId));
        Assert.Equal((name, rid), (method, requestId));
    }

    [Theory]
    [InlineData("$iothub/methods/POST/")]
    [InlineData("$iothub/methods/POST/reboot")]
    [InlineData("$iothub/methods/POST/reboot/?rid=1")]
    [InlineData("$iothub/methods/POST//?$rid=1")]
    [InlineData("$iothub/methods/POST/a/b/?$rid=1")]
    public void TryParseMethod_Malformed_ReturnsFalse(string topic) =>
        Assert.False(IotHubTopics.TryParseMethod(topic, out _, out _));

    [Theory]
    [InlineData("$iothub/twin/res/200/?$rid=5&$version=3", true, 200)]
    [InlineData("$iothub/twin/res/abc/?$rid=5", false, 0)]
    [InlineData("$iothub/twin/res/204/?$version=3", false, 204)]
    public void TryParseTwinResponse_Cases(string topic, bool valid, int status)
    {
        Assert.Equal(valid, IotHubTopics.TryParseTwinResponse(topic, out var parsed, out _));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("devices/d/modules/m/inputs/in1/a=1", true, "in1", "a=1")]
    [InlineData("devices/d/modules/m/inputs/in1", true, "in1", "")]
    [InlineData("devices/d/modules/m/inputs//a=1", false, "", "a=1")]
    public void TryParseInput_Cases(string topic, bool valid, string input, string bag)
    {
        var topics = new IotHubTopics("d", "m");

        Assert.Equal(valid, topics.TryParseInput(Encoding.UTF8.GetBytes(topic), out var name, out var rest));
        Assert.Equal((input, bag), (name, Encoding.UTF8.GetString(rest)));
    }
}
