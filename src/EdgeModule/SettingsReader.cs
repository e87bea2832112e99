using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace EdgeModule;

/// <summary>
/// Typed reads of the module's settings from configuration (the host loads the environment variables into it): a
/// missing or empty value gives the default; anything else must parse exactly, or an error naming the variable, the
/// value and what is allowed is recorded and the default stands in so the other settings can still be checked. The
/// caller stops the module with every error at once (<see cref="ThrowIfInvalid"/>). Never a silent fallback.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Every variable as the transport reads them (it validates its own and names them).</summary>
    public IReadOnlyDictionary<string, string?> Variables =>
        configuration.AsEnumerable().Where(p => !p.Key.Contains(':', StringComparison.Ordinal))
            .GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    public string? String(string name) =>
        configuration[name] is { } s && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    /// <summary><c>true</c> or <c>false</c>, in any letter case (as IoT Edge's own modules read them).</summary>
    public bool Boolean(string name, bool defaultValue)
    {
        var raw = String(name);
        if (raw is null)
        {
            return defaultValue;
        }

        if (bool.TryParse(raw, out var value))
        {
            return value;
        }

        Invalid(name, raw, "use true or false");
        return defaultValue;
    }

    public long Int64(string name, long defaultValue, long min, long max)
    {
        var raw = String(name);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Invalid(name, raw, $"use a whole number from {min} to {max}");
            return defaultValue;
        }

        return value;
    }

    /// <summary>
    /// One of the enum's names, in any letter case: not a number and not a list (<c>Enum.TryParse</c> alone would
    /// take <c>snappy,lz4</c> and combine the two as flags).
    /// </summary>
    public TEnum Enum<TEnum>(string name, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        var raw = String(name);
        if (raw is null)
        {
            return defaultValue;
        }

        var names = System.Enum.GetNames<TEnum>();
        if (Array.Find(names, n => string.Equals(n, raw, StringComparison.OrdinalIgnoreCase)) is { } match)
        {
            return System.Enum.Parse<TEnum>(match);
        }

        Invalid(name, raw, "use one of " + string.Join(", ", names).ToLowerInvariant());
        return defaultValue;
    }

    public void Invalid(string name, string value, string allowed) => _errors.Add(SettingsException.Invalid(name, value, allowed).Message);

    public void Error(string message) => _errors.Add(message);

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new SettingsException(_errors);
        }
    }
}
