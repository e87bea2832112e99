using System.Text;
using EdgeModule.Transport.Mqtt.Dialect;

namespace EdgeModule.Transport.Mqtt.Tests.Dialect;

public sealed class TopicWriterTests
{
    [Theory]
    [InlineData("plain-Text_1.2~")]
    [InlineData("a b&c=d/e?f%g+h#i$j")]
    [InlineData("ü€😀")]
    [InlineData("lone \ud800 high, lone \udc00 low, swapped \udc00\ud800")]
    [InlineData("")]
    public void AppendPair_EscapesExactlyAsUriEscapeDataString(string text)
    {
        var topic = new TopicWriter(stackalloc byte[4]);
        topic.AppendPrefix("p/"u8);
        topic.AppendPair(text, text);
        var written = topic.ToString();
        var terminated = topic.Terminated().ToArray();
        topic.Dispose();

        var expected = $"p/{Uri.EscapeDataString(text)}={Uri.EscapeDataString(text)}";
        Assert.Equal(expected, written);
        Assert.Equal([.. Encoding.UTF8.GetBytes(expected), 0], terminated);
    }

    [Fact]
    public void WriteBagThenTryDecode_EverySystemPropertyAndApplicationProperties_RoundTrip()
    {
        var sent = new Message(new byte[] { 1, 2 })
        {
            MessageId = "id 1",
            CorrelationId = "c&d",
            ContentType = "application/json",
            ContentEncoding = "utf-8",
            UserId = "ü",
            To = "/devices/x",
            CreationTimeUtc = new DateTimeOffset(2024, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
            ExpiryTimeUtc = new DateTimeOffset(2025, 6, 7, 8, 9, 10, TimeSpan.Zero),
        };
        sent.Properties["k/ey"] = "v&=lue";
        sent.Properties["empty"] = string.Empty;
        var topic = new TopicWriter(stackalloc byte[16]);
        topic.AppendPrefix("devices/d/modules/m/messages/events/"u8);
        MessageCodec.WriteBag(ref topic, sent, "output1");
        var text = topic.ToString();
        var bagLength = topic.BagLength;
        topic.Dispose();

        Assert.True(MessageCodec.TryDecode(text.AsSpan(text.Length - bagLength), sent.Body, out var received, out var error), error);
        Assert.Equal(
            (sent.MessageId, sent.CorrelationId, sent.ContentType, sent.ContentEncoding, sent.UserId, sent.To, sent.CreationTimeUtc, sent.ExpiryTimeUtc, "output1"),
            (received.MessageId, received.CorrelationId, received.ContentType, received.ContentEncoding, received.UserId, received.To, received.CreationTimeUtc, received.ExpiryTimeUtc, received.OutputName));
        Assert.Equal(sent.Properties.OrderBy(p => p.Key), received.Properties.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData("%24.ctime=yesterday", "is not a date")]
    [InlineData("a=1&&b=2", "empty property")]
    [InlineData("a=%2", "malformed property")]
    public void TryDecode_MalformedBag_ReturnsFalseWithReason(string bag, string reason)
    {
        Assert.False(MessageCodec.TryDecode(bag, default, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
