using System.Collections;
using System.Globalization;

namespace EdgeModule;

/// <summary>
/// Typed reads of environment variables: a missing or empty variable gives the default, anything else must parse
/// exactly or the module stops with <see cref="SettingsException"/>. Never a silent fallback.
/// </summary>
public sealed class EnvironmentReader(IDictionary variables)
{
    public string? String(string name) =>
        variables[name] is string s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    public bool Boolean(string name, bool defaultValue)
    {
        var raw = String(name);
        return raw is null ? defaultValue : bool.TryParse(raw, out var value)
            ? value
            : throw SettingsException.Invalid(name, raw, "use true or false");
    }

    public long Int64(string name, long defaultValue, long min, long max)
    {
        var raw = String(name);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw SettingsException.Invalid(name, raw, $"use a whole number from {min} to {max}");
        }

        return value;
    }

    public TEnum Enum<TEnum>(string name, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        var raw = String(name);
        if (raw is null)
        {
            return defaultValue;
        }

        return System.Enum.TryParse<TEnum>(raw, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(raw, out _)
            ? value
            : throw SettingsException.Invalid(name, raw, "use one of " + string.Join(", ", System.Enum.GetNames<TEnum>()).ToLowerInvariant());
    }
}
