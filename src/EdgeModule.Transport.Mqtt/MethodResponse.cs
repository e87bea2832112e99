using System.Text;
using System.Text.Json;

namespace EdgeModule.Transport.Mqtt;

/// <summary>A direct-method result: an HTTP-like status and a JSON body.</summary>
public sealed class MethodResponse(int status, ReadOnlyMemory<byte> result)
{
    public int Status { get; } = status;

    public ReadOnlyMemory<byte> Result { get; } = result;

    public static MethodResponse FromJson(int status, string json) => new(status, Encoding.UTF8.GetBytes(json));

    /// <summary>An error body in the shape edgeHub uses: <c>{"message": "..."}</c>.</summary>
    internal static MethodResponse Error(int status, string message) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["message"] = message }));
}
