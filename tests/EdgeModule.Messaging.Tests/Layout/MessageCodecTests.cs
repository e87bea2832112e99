using EdgeModule.Messaging.Layout;

namespace EdgeModule.Messaging.Tests.Layout;

/// <summary>The persisted record format, frozen by golden bytes; every damage to it is a clear error.</summary>
public sealed class MessageCodecTests
{
    private const long Enqueued = 0x0102030405060708;

    // version | enqueued LE | S=3: messageId "m", contentType "t", creation time | P=1: "k"="v" | body "hi"
    private const string GoldenHex = "01" + "0807060504030201" + "03" + "01016D" + "030174" + "0708000000000000DE08"
        + "01" + "016B" + "0176" + "02" + "6869";

    private static readonly DateTimeOffset Created = new(0x08DE000000000000, TimeSpan.Zero);

    private static EdgeMessage Golden => new("hi"u8.ToArray())
    {
        MessageId = "m",
        ContentType = "t",
        CreationTimeUtc = Created,
        Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["k"] = "v" },
    };

    [Fact]
    public void Encode_SmallMessage_MatchesGoldenBytes() =>
        Assert.Equal(GoldenHex, Convert.ToHexString(MessageCodec.Encode(Golden, Enqueued)));

    [Fact]
    public void Decode_GoldenBytes_ReadsEveryField()
    {
        var m = MessageCodec.Decode(Convert.FromHexString(GoldenHex), out var enqueued);

        Assert.Equal(Enqueued, enqueued);
        Assert.Equal("hi"u8.ToArray(), m.Body.ToArray());
        Assert.Equal(("m", "t", Created), (m.MessageId, m.ContentType, m.CreationTimeUtc));
        Assert.Null(m.CorrelationId);
        Assert.Equal("v", Assert.Single(m.Properties).Value);
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsCorrupt()
    {
        var golden = Convert.FromHexString(GoldenHex);
        for (var length = 0; length < golden.Length; length++)
        {
            Assert.Throws<MessageCorruptException>(() => MessageCodec.Decode(golden[..length], out _));
        }
    }

    [Fact]
    public void Decode_TrailingByte_ThrowsCorrupt()
    {
        var error = Assert.Throws<MessageCorruptException>(() => MessageCodec.Decode(Convert.FromHexString(GoldenHex + "00"), out _));

        Assert.Contains("1 bytes after the body", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownVersion_ThrowsNamingTheVersion()
    {
        var record = Convert.FromHexString(GoldenHex);
        record[0] = 2;

        var error = Assert.Throws<MessageCorruptException>(() => MessageCodec.Decode(record, out _));

        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownSystemTag_IsSkipped()
    {
        // S=4 with an extra tag 200 of 2 bytes, as a newer writer might add without a version bump.
        var hex = GoldenHex[..18] + "04" + "C802ABCD" + GoldenHex[20..];

        var m = MessageCodec.Decode(Convert.FromHexString(hex), out _);

        Assert.Equal("m", m.MessageId);
    }

    [Theory]
    [InlineData("01016E")] // a second message id
    [InlineData("C80100")] // tag 200 twice: unknown tags are skipped, but not repeated
    public void Decode_RepeatedSystemTag_ThrowsCorruptNamingTheTag(string repeated)
    {
        var extra = repeated.StartsWith("C8", StringComparison.Ordinal) ? "C80100" : "";
        var hex = GoldenHex[..18] + (extra.Length > 0 ? "05" : "04") + extra + repeated + GoldenHex[20..];

        var error = Assert.Throws<MessageCorruptException>(() => MessageCodec.Decode(Convert.FromHexString(hex), out _));

        Assert.Contains($"tag {Convert.FromHexString(repeated)[0]} appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TimeFieldOfWrongLength_ThrowsCorrupt()
    {
        var hex = GoldenHex.Replace("0708000000000000DE08", "0707000000000000DE", StringComparison.Ordinal);

        var error = Assert.Throws<MessageCorruptException>(() => MessageCodec.Decode(Convert.FromHexString(hex), out _));

        Assert.Contains("time field 7 is 7 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_InvalidUtf8_ThrowsCorrupt()
    {
        var hex = GoldenHex.Replace("01016D", "0101FF", StringComparison.Ordinal);

        Assert.Throws<MessageCorruptException>(() => MessageCodec.Decode(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Decode_DuplicatePropertyName_ThrowsCorrupt()
    {
        var hex = GoldenHex.Replace("01" + "016B" + "0176", "02" + "016B0176" + "016B0177", StringComparison.Ordinal);

        Assert.Throws<MessageCorruptException>(() => MessageCodec.Decode(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Encode_LargeBodyAndManyProperties_RoundTrips()
    {
        var body = Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray();
        var properties = Enumerable.Range(0, 200).ToDictionary(i => $"p{i}", i => new string('x', i), StringComparer.Ordinal);

        var m = MessageCodec.Decode(MessageCodec.Encode(new EdgeMessage(body) { Properties = properties, To = "ü" }, 5), out _);

        Assert.Equal(body, m.Body.ToArray());
        Assert.Equal(properties, m.Properties);
        Assert.Equal("ü", m.To);
    }

    [Fact]
    public void QueueEntryAndKeys_Encode_MatchGoldenBytes()
    {
        Assert.Equal("0000000000000102", Convert.ToHexString(StoreLayout.SequenceKey(258)));
        Assert.Equal("010201000000000000" + "0300000000000000" + "E8030000",
            Convert.ToHexString(new QueueEntry(258, 3, 1000).Encode()));
        Assert.Equal("010700000000000000", Convert.ToHexString(StoreLayout.CheckpointValue(7)));
        Assert.Equal("6100" + "0000000000000005", Convert.ToHexString(StoreLayout.QuarantineKey("a", 5)));
        Assert.False(QueueEntry.TryDecode(new byte[20], out _, out _));
    }
}
