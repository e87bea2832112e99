using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt.Tests.Dialect;

public sealed class PropertyBagTests
{
    [Theory]
    [InlineData("a=%zz")]
    [InlineData("a=%4")]
    [InlineData("=v")]
    [InlineData("a=1&&b=2")]
    [InlineData("a=b=c")]
    [InlineData("a/b=c")]
    public void TryParse_Malformed_ReturnsFalseWithReason(string bag)
    {
        Assert.False(PropertyBag.TryParse(bag, new Dictionary<string, string>(), out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void AppendThenTryParse_ReservedCharacters_RoundTrip()
    {
        var text = new TopicWriter(stackalloc byte[8]);
        text.AppendPair("k&=/?%", "v &=/?%ü");
        text.AppendPair("flag", string.Empty);
        var bag = text.ToString();
        text.Dispose();
        var parsed = new Dictionary<string, string>();

        Assert.True(PropertyBag.TryParse(bag, parsed, out _));
        Assert.Equal("v &=/?%ü", parsed["k&=/?%"]);
        Assert.Equal(string.Empty, parsed["flag"]);
    }

    [Fact]
    public void TryParse_KeyWithoutValue_HasEmptyValue()
    {
        var parsed = new Dictionary<string, string>();

        Assert.True(PropertyBag.TryParse("flag&x=1", parsed, out _));
        Assert.Equal(string.Empty, parsed["flag"]);
    }
}
