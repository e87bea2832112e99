namespace EdgeModule.Transport.Mqtt.Dialect;

/// <summary>
/// The IoT Hub MQTT property bag: the last topic segment (or a query after '?') holding URL-encoded
/// <c>key=value</c> pairs joined by '&amp;'. A key without '=' has an empty value. Parsing is strict about
/// percent escapes and empty keys because the bag comes from the network. Bags are written by <see cref="TopicWriter"/>.
/// </summary>
internal static class PropertyBag
{
    /// <summary>Parses <paramref name="text"/> into <paramref name="into"/>; on failure says why in <paramref name="error"/>.</summary>
    public static bool TryParse(string text, IDictionary<string, string> into, out string? error)
    {
        var reader = new Reader(text);
        while (reader.TryRead(out var rawKey, out var rawValue, out error))
        {
            into[Unescape(rawKey)] = Unescape(rawValue);
        }

        return error is null;
    }

    /// <summary>A percent-encoded key or value, decoded; no copy beyond the string itself when it holds no escape.</summary>
    public static string Unescape(ReadOnlySpan<char> raw) =>
        raw.Length == 0 ? string.Empty : raw.Contains('%') ? Uri.UnescapeDataString(raw) : new string(raw);

    /// <summary>
    /// Walks the pairs of a bag without allocating: each <see cref="TryRead"/> yields the next pair still encoded, and
    /// false at the end (<c>error</c> null) or at the first malformed pair (<c>error</c> says why).
    /// </summary>
    public ref struct Reader(ReadOnlySpan<char> text)
    {
        private ReadOnlySpan<char> _rest = text;
        private bool _done = text.IsEmpty;

        public bool TryRead(out ReadOnlySpan<char> rawKey, out ReadOnlySpan<char> rawValue, out string? error)
        {
            rawKey = rawValue = default;
            error = null;
            if (_done)
            {
                return false;
            }

            var amp = _rest.IndexOf('&');
            var pair = amp < 0 ? _rest : _rest[..amp];
            _rest = amp < 0 ? default : _rest[(amp + 1)..];
            _done = amp < 0;
            if (pair.IsEmpty)
            {
                error = "empty property in the bag";
                _done = true;
                return false;
            }

            var equals = pair.IndexOf('=');
            rawKey = equals < 0 ? pair : pair[..equals];
            rawValue = equals < 0 ? default : pair[(equals + 1)..];
            if (rawKey.IsEmpty || !IsWellFormed(rawKey) || !IsWellFormed(rawValue))
            {
                error = $"malformed property '{pair}'";
                _done = true;
                return false;
            }

            return true;
        }
    }

    /// <summary>Every '%' must start a two-digit hex escape; Uri.UnescapeDataString would silently keep bad ones.</summary>
    private static bool IsWellFormed(ReadOnlySpan<char> encoded)
    {
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%')
            {
                if (i + 2 >= encoded.Length || !char.IsAsciiHexDigit(encoded[i + 1]) || !char.IsAsciiHexDigit(encoded[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (encoded[i] == '=' || encoded[i] == '/')
            {
                return false;
            }
        }

        return true;
    }
}
