using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations.Twin;

/// <summary>
/// Applies desired properties to <see cref="TwinSettings"/> and answers each with a reported property in the IoT Plug
/// and Play convention, <c>{"value", "ac", "av", "ad"}</c>: <c>value</c> is the value in effect afterwards, <c>ac</c>
/// 200 (applied), 203 (the environment's value, reported at start for a setting the twin does not set) or 400
/// (refused: the previous value stays), <c>av</c> the desired version, <c>ad</c> what happened in words. A desired
/// value is a whole number (or a string of one, as the environment gives it) in the variable's range; <c>null</c>
/// (a removed property) goes back to the environment's value. Properties of other names are left alone, except the
/// variables read only at start, answered 400 so their setter learns it needs a restart.
/// </summary>
public sealed class TwinConfiguration(TwinSettings settings, ILogger<TwinConfiguration> logger)
{
    public const int Applied = 200;
    public const int FromEnvironment = 203;
    public const int Refused = 400;

    private readonly Lock _lock = new();
    private long? _appliedVersion;
    private bool _initialReported;

    /// <summary>A patch from the hub; an empty result when it is not newer than what was applied (or names nothing of ours).</summary>
    public JsonObject ApplyPatch(JsonObject patch, long? version)
    {
        ArgumentNullException.ThrowIfNull(patch);
        lock (_lock)
        {
            if (version is { } v && _appliedVersion is { } applied && v <= applied)
            {
                return [];
            }

            var reported = new JsonObject();
            foreach (var (name, value) in patch)
            {
                Apply(name, value, version, reported);
            }

            _appliedVersion = version ?? _appliedVersion;
            return reported;
        }
    }

    /// <summary>
    /// The whole desired document (at start and after each reconnection, when patches may have been missed): every
    /// setting it holds is applied, every runtime setting it does not hold goes back to the environment's value.
    /// </summary>
    public JsonObject ApplyFull(JsonObject desired, long? version)
    {
        ArgumentNullException.ThrowIfNull(desired);
        lock (_lock)
        {
            if (version is { } v && _appliedVersion is { } applied && v < applied)
            {
                return [];
            }

            var reported = new JsonObject();
            foreach (var (name, value) in desired)
            {
                Apply(name, value, version, reported);
            }

            foreach (var setting in settings.All)
            {
                if (desired.ContainsKey(setting.Name))
                {
                    continue;
                }

                if (settings.Current[setting.Name] != setting.EnvironmentValue)
                {
                    Apply(setting.Name, null, version, reported);
                }
                else if (!_initialReported)
                {
                    reported[setting.Name] = Ack(setting.EnvironmentValue, FromEnvironment, version, "the environment's value (not set in the twin)");
                }
            }

            _initialReported = true;
            _appliedVersion = version ?? _appliedVersion;
            return reported;
        }
    }

    /// <summary>The values in effect, as <c>Name=value, …</c>.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            return string.Join(", ", settings.All.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name}={settings.Current[s.Name]}")));
        }
    }

    private void Apply(string name, JsonNode? value, long? version, JsonObject reported)
    {
        if (name.StartsWith('$'))
        {
            return;
        }

        if (!settings.ByName.TryGetValue(name, out var setting))
        {
            if (TwinSettings.EnvironmentOnly.Contains(name))
            {
                reported[name] = new JsonObject
                {
                    ["ac"] = Refused,
                    ["av"] = version ?? 0,
                    ["ad"] = $"{name} is read only from the environment at start: change the module's environment and restart it",
                };
                TwinLog.EnvironmentOnly(logger, name, version);
            }

            return;
        }

        var current = settings.Current[name];
        long wanted;
        string done;
        if (value is null)
        {
            wanted = setting.EnvironmentValue;
            done = "removed from the twin: back to the environment's value";
        }
        else if (TryRead(value, out var parsed) && parsed >= setting.Min && parsed <= setting.Max)
        {
            wanted = parsed;
            done = "applied";
        }
        else
        {
            var shown = value.ToJsonString();
            reported[name] = Ack(current, Refused, version, $"refused {shown}: {setting.Allowed}; {current} stays in effect");
            TwinLog.Refused(logger, name, shown, setting.Allowed, current, version);
            return;
        }

        if (setting.Apply(wanted) is { } reason)
        {
            reported[name] = Ack(current, Refused, version, $"refused {wanted}: {reason}; {current} stays in effect");
            TwinLog.Refused(logger, name, wanted.ToString(CultureInfo.InvariantCulture), reason, current, version);
            return;
        }

        settings.Current[name] = wanted;
        reported[name] = Ack(wanted, Applied, version, done);
        if (wanted != current)
        {
            TwinLog.Changed(logger, name, current, wanted, version);
        }
    }

    private static JsonObject Ack(long value, int code, long? version, string description) => new()
    {
        ["value"] = value,
        ["ac"] = code,
        ["av"] = version ?? 0,
        ["ad"] = description,
    };

    /// <summary>A JSON whole number, or a string holding one as an environment variable would.</summary>
    private static bool TryRead(JsonNode node, out long value)
    {
        value = 0;
        if (node is not JsonValue json)
        {
            return false;
        }

        if (json.TryGetValue(out long number))
        {
            value = number;
            return true;
        }

        return json.TryGetValue(out string? text)
            && long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
