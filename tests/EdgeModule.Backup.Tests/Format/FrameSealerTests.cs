using System.Buffers.Binary;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Tests.Support;

namespace EdgeModule.Backup.Tests.Format;

/// <summary>
/// The writer builds frames without their CRC and seals each full buffer on another thread, carrying a frame over
/// from one buffer to the next. Its output must be exactly what encoding every frame on its own gives, with headers,
/// payloads and trailers split at every possible point of a buffer boundary, and its digest the CRC of the frames'
/// CRCs in order.
/// </summary>
public sealed class FrameSealerTests : IDisposable
{
    private readonly TempFolder _folder = new("frame-sealer");

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Writer_FramesAcrossSmallBuffers_MatchAnIndependentEncoding(bool directIo)
    {
        var random = new Random(11);
        var expected = new MemoryStream();
        var digest = Crc32C.InitialState;
        var path = Path.Combine(_folder.Path, $"frames-{directIo}.bin");
        uint written;
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
        using (var frames = new FrameWriter(handle, 0, 4096, () => { }, null, directIo))
        {
            // Sizes from empty to a little over two buffers, so that over 3,000 frames every part of a frame lands on
            // a buffer boundary at many offsets.
            for (var i = 0; i < 3000; i++)
            {
                var kind = random.Next(4);
                var payload = new byte[kind == 0 ? random.Next(0, 12) : kind == 1 ? random.Next(0, 300) : random.Next(0, 9000)];
                random.NextBytes(payload);
                if (i % 5 == 0)
                {
                    frames.WriteFrame(FrameType.Partition, payload);
                    digest = Crc32C.AppendUInt32(digest, Encode(expected, FrameType.Partition, payload));
                }
                else
                {
                    var key = payload[..Math.Min(payload.Length, random.Next(0, 40))];
                    var value = payload[key.Length..];
                    frames.WriteRecord(key, value);
                    var recordPayload = new byte[VarInt.Size((uint)key.Length) + key.Length + value.Length];
                    var at = VarInt.Write(recordPayload, (uint)key.Length);
                    key.CopyTo(recordPayload, at);
                    value.CopyTo(recordPayload, at + key.Length);
                    digest = Crc32C.AppendUInt32(digest, Encode(expected, FrameType.Record, recordPayload));
                }

                Assert.Equal(expected.Length, frames.Position);
            }

            written = frames.CompleteDigest();
            frames.Complete();
        }

        Assert.Equal(Crc32C.Finish(digest), written);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Writer_UsedAfterComplete_GoesOnSealingFromTheRightPlace()
    {
        var expected = new MemoryStream();
        var digest = Crc32C.InitialState;
        var path = Path.Combine(_folder.Path, "after-complete.bin");
        uint written;
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
        using (var frames = new FrameWriter(handle, 0, 4096, () => { }, null, directIo: false))
        {
            foreach (var size in new[] { 100, 3000, 0, 5000, 40 })
            {
                var payload = new byte[size];
                Array.Fill(payload, (byte)size);
                frames.WriteFrame(FrameType.Partition, payload);
                digest = Crc32C.AppendUInt32(digest, Encode(expected, FrameType.Partition, payload));
                frames.Complete();
                frames.Complete();
            }

            written = frames.CompleteDigest();
            frames.Complete();
        }

        Assert.Equal(Crc32C.Finish(digest), written);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Sealer_OneByteAtATime_GivesTheSameTrailersAndDigestAsWholeFrames()
    {
        var random = new Random(5);
        var stream = new MemoryStream();
        foreach (var size in new[] { 0, 1, 4, 5, 100, 1000, 0, 3 })
        {
            var payload = new byte[size];
            random.NextBytes(payload);
            Encode(stream, FrameType.Record, payload);
        }

        var reference = stream.ToArray();
        var whole = new FrameSealer();
        var wholeBytes = new byte[reference.Length];
        Clear(wholeBytes, reference);
        whole.Seal(wholeBytes);
        var piecewise = new FrameSealer();
        var pieceBytes = new byte[reference.Length];
        Clear(pieceBytes, reference);
        for (var i = 0; i < pieceBytes.Length; i++)
        {
            piecewise.Seal(pieceBytes.AsSpan(i, 1));
        }

        Assert.Equal(reference, wholeBytes);
        Assert.Equal(reference, pieceBytes);
        Assert.Equal(whole.Digest, piecewise.Digest);
        Assert.True(piecewise.AtFrameBoundary);
    }

    /// <summary>Appends one frame the way the format describes it and returns its CRC.</summary>
    private static uint Encode(Stream output, FrameType type, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[BackupFormat.FrameOverhead + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        frame[4] = (byte)type;
        payload.CopyTo(frame.AsSpan(BackupFormat.FrameHeaderSize));
        var crc = Crc32C.Compute(frame.AsSpan(0, BackupFormat.FrameHeaderSize + payload.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(BackupFormat.FrameHeaderSize + payload.Length), crc);
        output.Write(frame);
        return crc;
    }

    /// <summary>Copies <paramref name="reference"/> into <paramref name="bytes"/> with every frame's trailer zeroed.</summary>
    private static void Clear(byte[] bytes, byte[] reference)
    {
        reference.CopyTo(bytes, 0);
        for (var at = 0; at < bytes.Length;)
        {
            var body = BackupFormat.FrameHeaderSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            bytes.AsSpan(at + body, BackupFormat.FrameTrailerSize).Clear();
            at += body + BackupFormat.FrameTrailerSize;
        }
    }
}
