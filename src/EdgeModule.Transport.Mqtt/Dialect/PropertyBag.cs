using System.Text;

namespace EdgeModule.Transport.Mqtt.Dialect;

/// <summary>
/// The IoT Hub MQTT property bag: the last topic segment (or a query after '?') holding URL-encoded
/// <c>key=value</c> pairs joined by '&amp;'. A key without '=' has an empty value. Parsing is strict about
/// percent escapes and empty keys because the bag comes from the network.
/// </summary>
internal static class PropertyBag
{
    public static void Append(StringBuilder target, string key, string value)
    {
        if (target.Length > 0 && target[^1] != '/' && target[^1] != '?')
        {
            target.Append('&');
        }

        target.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
    }

    /// <summary>Parses <paramref name="text"/> into <paramref name="into"/>; on failure says why in <paramref name="error"/>.</summary>
    public static bool TryParse(string text, IDictionary<string, string> into, out string? error)
    {
        error = null;
        if (text.Length == 0)
        {
            return true;
        }

        foreach (var pair in text.Split('&'))
        {
            if (pair.Length == 0)
            {
                error = "empty property in the bag";
                return false;
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var rawKey = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? string.Empty : pair[(equals + 1)..];
            if (rawKey.Length == 0 || !IsWellFormed(rawKey) || !IsWellFormed(rawValue))
            {
                error = $"malformed property '{pair}'";
                return false;
            }

            into[Uri.UnescapeDataString(rawKey)] = Uri.UnescapeDataString(rawValue);
        }

        return true;
    }

    /// <summary>Every '%' must start a two-digit hex escape; Uri.UnescapeDataString would silently keep bad ones.</summary>
    private static bool IsWellFormed(string encoded)
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
