using System.Text;
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
        var text = new StringBuilder();
        PropertyBag.Append(text, "k&=/?%", "v &=/?%ü");
        PropertyBag.Append(text, "flag", string.Empty);
        var parsed = new Dictionary<string, string>();

        Assert.True(PropertyBag.TryParse(text.ToString(), parsed, out _));
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
