using System.Collections.Frozen;

namespace EdgeModule.Messaging;

/// <summary>
/// Which endpoint queues a message arriving on an input goes to. Built from a setting string:
/// <c>input1=output1,upstream;input2=output2</c> — routes separated by <c>;</c>, each an input name, <c>=</c>, and one
/// or more endpoint names separated by <c>,</c>. Spaces around names are ignored, an empty route (a trailing
/// <c>;</c>) is skipped. Names are 1–100 characters of ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c> (an
/// endpoint name becomes part of a partition name). An input may appear once; an endpoint once per route, but in any
/// number of routes.
/// </summary>
public sealed class RouteTable
{
    /// <summary>The default: what arrives on <c>input1</c> goes to the endpoint (upstream output) <c>output1</c>.</summary>
    public const string DefaultSetting = "input1=output1";

    public const int MaxNameLength = 100;

    private readonly FrozenDictionary<string, string[]> _routes;

    public RouteTable(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (input, endpoints) in routes)
        {
            ValidateName(input, "input");
            if (endpoints is null || endpoints.Count == 0)
            {
                throw new FormatException($"Route '{input}' names no endpoint.");
            }

            foreach (var endpoint in endpoints)
            {
                ValidateName(endpoint, "endpoint");
            }

            if (endpoints.Distinct(StringComparer.Ordinal).Count() != endpoints.Count)
            {
                throw new FormatException($"Route '{input}' names an endpoint twice.");
            }

            if (!map.TryAdd(input, [.. endpoints]))
            {
                throw new FormatException($"Input '{input}' has two routes.");
            }
        }

        _routes = map.ToFrozenDictionary(StringComparer.Ordinal);
        Inputs = [.. map.Keys.Order(StringComparer.Ordinal)];
        Endpoints = [.. map.Values.SelectMany(e => e).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static RouteTable Default { get; } = Parse(DefaultSetting);

    /// <summary>Inputs that have a route, in ordinal order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Every endpoint some route names, in ordinal order.</summary>
    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>Parses the setting syntax above; a <see cref="FormatException"/> says what is wrong and where.</summary>
    public static RouteTable Parse(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var routes = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        foreach (var part in setting.Split(';'))
        {
            if (string.IsNullOrWhiteSpace(part))
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || part.IndexOf('=', eq + 1) >= 0)
            {
                throw new FormatException($"Route '{part.Trim()}' is not of the form input=endpoint[,endpoint…].");
            }

            var endpoints = part[(eq + 1)..].Split(',').Select(e => e.Trim()).ToArray();
            routes.Add(new(part[..eq].Trim(), endpoints));
        }

        if (routes.Count == 0)
        {
            throw new FormatException($"The route setting '{setting}' has no route; the default is '{DefaultSetting}'.");
        }

        return new RouteTable(routes);
    }

    /// <summary>The endpoints of <paramref name="input"/>, or an empty list when it has no route.</summary>
    public IReadOnlyList<string> Resolve(string input) =>
        _routes.TryGetValue(input, out var endpoints) ? endpoints : [];

    /// <summary>The table in the setting syntax, inputs in ordinal order.</summary>
    public override string ToString() =>
        string.Join(';', Inputs.Select(i => $"{i}={string.Join(',', _routes[i])}"));

    private static void ValidateName(string? name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new FormatException(
                $"The {what} name '{name}' is not 1-{MaxNameLength} characters of ASCII letters, digits, '-', '_' or '.'.");
        }
    }
}
