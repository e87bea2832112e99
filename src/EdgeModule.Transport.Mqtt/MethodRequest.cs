using System.Text;

namespace EdgeModule.Transport.Mqtt;

/// <summary>A direct-method call; <see cref="Data"/> is already checked to be valid JSON (or empty).</summary>
public sealed class MethodRequest(string name, ReadOnlyMemory<byte> data)
{
    public string Name { get; } = name;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public string DataAsJson => Encoding.UTF8.GetString(Data.Span);
}
