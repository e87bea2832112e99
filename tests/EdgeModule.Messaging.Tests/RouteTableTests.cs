namespace EdgeModule.Messaging.Tests;

public sealed class RouteTableTests
{
    [Fact]
    public void Default_Input1_GoesToOutput1()
    {
        Assert.Equal(["output1"], RouteTable.Default.Resolve("input1"));
        Assert.Equal(["output1"], RouteTable.Default.Endpoints);
    }

    [Fact]
    public void Parse_SeveralRoutesWithSpaces_ResolvesEachAndListsEndpointsOnce()
    {
        var table = RouteTable.Parse(" input1 = output1 , upstream ; input2=output2;input3=upstream; ");

        Assert.Equal(["output1", "upstream"], table.Resolve("input1"));
        Assert.Equal(["output2"], table.Resolve("input2"));
        Assert.Equal(["output1", "output2", "upstream"], table.Endpoints);
        Assert.Empty(table.Resolve("unknown"));
        Assert.Equal("input1=output1,upstream;input2=output2;input3=upstream", table.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(";")]
    [InlineData("input1")]
    [InlineData("input1=")]
    [InlineData("=output1")]
    [InlineData("input1=a=b")]
    [InlineData("input1=a,,b")]
    [InlineData("input1=a,a")]
    [InlineData("input1=a;input1=b")]
    [InlineData("in put=a")]
    [InlineData("input1=a/b")]
    public void Parse_Malformed_ThrowsFormatException(string setting) =>
        Assert.Throws<FormatException>(() => RouteTable.Parse(setting));
}
