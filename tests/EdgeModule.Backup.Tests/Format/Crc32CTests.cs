using System.Text;
using EdgeModule.Backup.Format;

namespace EdgeModule.Backup.Tests.Format;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_MatchesStandardVector() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Fact]
    public void Compute_Empty_IsZero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Theory]
    [InlineData(32, 0x00, 0x8A9136AAu)] // RFC 3720 B.4: 32 bytes of zeros
    [InlineData(32, 0xFF, 0x62A8AB43u)] // RFC 3720 B.4: 32 bytes of ones
    public void Compute_Rfc3720Vectors_Match(int length, byte fill, uint expected)
    {
        var data = new byte[length];
        Array.Fill(data, fill);
        Assert.Equal(expected, Crc32C.Compute(data));
    }

    [Fact]
    public void Compute_Rfc3720Ascending_Matches()
    {
        var data = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(data));
    }

    [Fact]
    public void AppendTable_RandomLengths_MatchesHardwarePath()
    {
        var random = new Random(3);
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var table = Crc32C.Finish(Crc32C.AppendTable(Crc32C.InitialState, data));
            Assert.Equal(table, Crc32C.Compute(data));
        }
    }

    [Theory]
    [InlineData(767)]
    [InlineData(768)] // one short interleaved block
    [InlineData(775)]
    [InlineData(1016)] // a record frame of a 1000-byte value
    [InlineData(1543)]
    [InlineData(24_575)]
    [InlineData(24_576)] // one long interleaved block
    [InlineData(25_351)] // a long block, a short one and a tail
    [InlineData(100_003)]
    public void AppendTable_LengthsAroundInterleavedBlocks_MatchesHardwarePath(int length)
    {
        var data = new byte[length + 3];
        new Random(length).NextBytes(data);
        foreach (var offset in new[] { 0, 3 }) // misaligned too
        {
            var span = data.AsSpan(offset, length);
            Assert.Equal(Crc32C.Finish(Crc32C.AppendTable(Crc32C.InitialState, span)), Crc32C.Compute(span));
            var resumed = Crc32C.Append(Crc32C.Append(Crc32C.InitialState, span[..(length / 3)]), span[(length / 3)..]);
            Assert.Equal(Crc32C.Compute(span), Crc32C.Finish(resumed));
        }
    }

    [Fact]
    public void Append_InPieces_EqualsOneShot()
    {
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox ", 50)));
        for (var split = 0; split <= data.Length; split += 7)
        {
            var state = Crc32C.Append(Crc32C.InitialState, data.AsSpan(0, split));
            state = Crc32C.Append(state, data.AsSpan(split));
            Assert.Equal(Crc32C.Compute(data), Crc32C.Finish(state));
        }
    }

    [Fact]
    public void AppendUInt32_EqualsAppendOfItsLittleEndianBytes_OnBothPaths()
    {
        var random = new Random(7);
        var bytes = new byte[4];
        for (var i = 0; i < 1000; i++)
        {
            var state = (uint)random.NextInt64(0, 1L << 32);
            var value = (uint)random.NextInt64(0, 1L << 32);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);

            Assert.Equal(Crc32C.Append(state, bytes), Crc32C.AppendUInt32(state, value));
            Assert.Equal(Crc32C.AppendTable(state, bytes), Crc32C.AppendUInt32(state, value));
            Assert.Equal(Crc32C.AppendTable(state, bytes), Crc32C.AppendUInt32Table(state, value));
        }
    }
}
