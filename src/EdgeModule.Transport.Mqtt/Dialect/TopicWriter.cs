using System.Buffers;
using System.Text;

namespace EdgeModule.Transport.Mqtt.Dialect;

/// <summary>
/// Builds a topic as the NUL-terminated UTF-8 bytes libmosquitto takes, in a caller's stack buffer that moves to a
/// pooled array only when it fills: no string and no marshalling copy per send. Values are percent-encoded exactly as
/// <see cref="Uri.EscapeDataString(string)"/> does (RFC 3986 unreserved characters kept, UTF-8 bytes as upper-case
/// <c>%XX</c>, an unpaired surrogate as U+FFFD). Dispose returns the pooled array.
/// </summary>
internal ref struct TopicWriter(Span<byte> initial)
{
    private Span<byte> _buffer = initial;
    private byte[]? _rented;
    private int _length;
    private int _bagStart;

    /// <summary>Bytes written so far (without the terminator).</summary>
    public readonly int Length => _length;

    /// <summary>Bytes of the property bag (everything after the prefix).</summary>
    public readonly int BagLength => _length - _bagStart;

    public void AppendPrefix(scoped ReadOnlySpan<byte> utf8)
    {
        Append(utf8);
        _bagStart = _length;
    }

    /// <summary>Adds <c>key=value</c>, both percent-encoded, after a '&amp;' unless it is the bag's first pair.</summary>
    public void AppendPair(scoped ReadOnlySpan<char> key, scoped ReadOnlySpan<char> value)
    {
        if (_length > _bagStart)
        {
            Append("&"u8);
        }

        AppendEscaped(key);
        Append("="u8);
        AppendEscaped(value);
    }

    /// <summary>The topic with its NUL terminator, valid until the next append or Dispose.</summary>
    public ReadOnlySpan<byte> Terminated()
    {
        Reserve(1);
        _buffer[_length] = 0;
        return _buffer[..(_length + 1)];
    }

    public override readonly string ToString() => Encoding.UTF8.GetString(_buffer[.._length]);

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }

    private void Append(scoped ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer[_length..]);
        _length += bytes.Length;
    }

    private void AppendEscaped(scoped ReadOnlySpan<char> text)
    {
        Span<byte> utf8 = stackalloc byte[4];
        while (!text.IsEmpty)
        {
            var c = text[0];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                Reserve(1);
                _buffer[_length++] = (byte)c;
                text = text[1..];
                continue;
            }

            // An invalid sequence decodes to U+FFFD, consuming what it spans, as EscapeDataString does.
            _ = Rune.DecodeFromUtf16(text, out var rune, out var consumed);
            text = text[consumed..];
            var count = rune.EncodeToUtf8(utf8);
            Reserve(count * 3);
            foreach (var b in utf8[..count])
            {
                _buffer[_length++] = (byte)'%';
                _buffer[_length++] = (byte)"0123456789ABCDEF"[b >> 4];
                _buffer[_length++] = (byte)"0123456789ABCDEF"[b & 0xF];
            }
        }
    }

    private void Reserve(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer[.._length].CopyTo(bigger);
        Dispose();
        _rented = bigger;
        _buffer = bigger;
    }
}
