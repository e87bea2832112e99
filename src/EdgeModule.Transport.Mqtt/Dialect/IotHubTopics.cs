using System.Globalization;
using System.Text;

namespace EdgeModule.Transport.Mqtt.Dialect;

/// <summary>
/// Topic names of the IoT Hub / edgeHub MQTT dialect for a module identity:
/// inputs arrive on <c>devices/{d}/modules/{m}/inputs/{input}/{bag}</c>, events leave on
/// <c>devices/{d}/modules/{m}/messages/events/{bag}</c> (with <c>$.on</c> for an output), direct methods arrive on
/// <c>$iothub/methods/POST/{name}/?$rid={rid}</c> and are answered on <c>$iothub/methods/res/{status}/?$rid={rid}</c>,
/// the twin is read and patched through <c>$iothub/twin/...</c> with responses on <c>$iothub/twin/res/{status}/?$rid=...</c>.
/// </summary>
internal sealed class IotHubTopics
{
    public const string MethodsPrefix = "$iothub/methods/POST/";
    public const string MethodsFilter = "$iothub/methods/POST/#";
    public const string TwinResponsePrefix = "$iothub/twin/res/";
    public const string TwinResponseFilter = "$iothub/twin/res/#";
    public const string DesiredPatchPrefix = "$iothub/twin/PATCH/properties/desired/";
    public const string DesiredPatchFilter = "$iothub/twin/PATCH/properties/desired/#";

    private volatile InputName? _lastInput;

    public IotHubTopics(string deviceId, string moduleId)
    {
        InputsPrefix = $"devices/{deviceId}/modules/{moduleId}/inputs/";
        EventsPrefix = $"devices/{deviceId}/modules/{moduleId}/messages/events/";
        InputsPrefixUtf8 = Encoding.UTF8.GetBytes(InputsPrefix);
        EventsPrefixUtf8 = Encoding.UTF8.GetBytes(EventsPrefix);
    }

    public string InputsPrefix { get; }

    public byte[] InputsPrefixUtf8 { get; }

    public byte[] EventsPrefixUtf8 { get; }

    public string InputsFilter => InputsPrefix + "#";

    public string EventsPrefix { get; }

    public static string MethodResponse(int status, string requestId) =>
        string.Create(CultureInfo.InvariantCulture, $"$iothub/methods/res/{status}/?$rid={Uri.EscapeDataString(requestId)}");

    public static string TwinGet(string requestId) => $"$iothub/twin/GET/?$rid={requestId}";

    public static string TwinReportedPatch(string requestId) => $"$iothub/twin/PATCH/properties/reported/?$rid={requestId}";

    /// <summary>
    /// <c>{input}/{bag}</c> after the inputs prefix of a UTF-8 topic; the bag may be absent. The input name string is
    /// kept from the previous message when it is the same (it nearly always is), so parsing allocates nothing.
    /// </summary>
    public bool TryParseInput(ReadOnlySpan<byte> topic, out string inputName, out ReadOnlySpan<byte> bag)
    {
        var rest = topic[InputsPrefixUtf8.Length..];
        var slash = rest.IndexOf((byte)'/');
        var name = slash < 0 ? rest : rest[..slash];
        bag = slash < 0 ? default : rest[(slash + 1)..];
        var last = _lastInput;
        if (last is not null && name.SequenceEqual(last.Utf8))
        {
            inputName = last.Name;
            return true;
        }

        inputName = Encoding.UTF8.GetString(name);
        if (name.IsEmpty || name.IndexOfAny((byte)'#', (byte)'+') >= 0)
        {
            return false;
        }

        _lastInput = new InputName(name.ToArray(), inputName);
        return true;
    }

    /// <summary><c>{name}/?$rid={rid}</c> after the methods prefix.</summary>
    public static bool TryParseMethod(string topic, out string methodName, out string requestId)
    {
        requestId = string.Empty;
        var rest = topic[MethodsPrefix.Length..];
        var marker = rest.IndexOf("/?", StringComparison.Ordinal);
        methodName = marker < 0 ? string.Empty : rest[..marker];
        if (methodName.Length == 0 || methodName.Contains('/', StringComparison.Ordinal))
        {
            return false;
        }

        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!PropertyBag.TryParse(rest[(marker + 2)..], query, out _) || !query.TryGetValue("$rid", out var rid) || rid.Length == 0)
        {
            return false;
        }

        requestId = rid;
        return true;
    }

    /// <summary><c>{status}/?$rid={rid}[&amp;$version={v}]</c> after the twin response prefix.</summary>
    public static bool TryParseTwinResponse(string topic, out int status, out IReadOnlyDictionary<string, string> query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        query = result;
        var rest = topic[TwinResponsePrefix.Length..];
        var marker = rest.IndexOf("/?", StringComparison.Ordinal);
        status = 0;
        return marker > 0
            && int.TryParse(rest.AsSpan(0, marker), NumberStyles.None, CultureInfo.InvariantCulture, out status)
            && PropertyBag.TryParse(rest[(marker + 2)..], result, out _)
            && result.ContainsKey("$rid");
    }

    private sealed record InputName(byte[] Utf8, string Name);
}
