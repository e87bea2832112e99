namespace EdgeModule.Operations;

/// <summary>
/// The first <c>length</c> bytes of a seekable stream, read-only: a file that grows while it is read (the journal's
/// generation) is read as it was when the read began.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long length) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = Math.Clamp(value, 0, length);
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Limit(count));

    public override int Read(Span<byte> buffer) => inner.Read(buffer[..Limit(buffer.Length)]);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, Limit(count), cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer[..Limit(buffer.Length)], cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Limit(int count) => (int)Math.Clamp(length - inner.Position, 0, count);
}
