using System.Text;

namespace EdgeModule.Container.Tests.Infrastructure;

/// <summary>
/// A write-only stream that cuts what is written to it into UTF-8 lines for a <see cref="LineLog"/>: what Testcontainers
/// copies a container's stdout and stderr into while it runs.
/// </summary>
internal sealed class LineStream(LineLog log) : Stream
{
    private readonly MemoryStream _partial = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_partial)
        {
            while (buffer.IndexOf((byte)'\n') is var end and >= 0)
            {
                _partial.Write(buffer[..end]);
                log.Add(Encoding.UTF8.GetString(_partial.GetBuffer(), 0, (int)_partial.Length).TrimEnd('\r'));
                _partial.SetLength(0);
                buffer = buffer[(end + 1)..];
            }

            _partial.Write(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _partial.Dispose();
        }

        base.Dispose(disposing);
    }
}
