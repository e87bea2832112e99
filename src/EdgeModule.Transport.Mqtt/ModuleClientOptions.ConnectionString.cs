namespace EdgeModule.Transport.Mqtt;

/// <summary>The SDK's connection string: <c>HostName=…;DeviceId=…;ModuleId=…;SharedAccessKey=…[;GatewayHostName=…]</c>.</summary>
public sealed partial class ModuleClientOptions
{
    /// <summary>
    /// Parses a module connection string. With <c>GatewayHostName</c> the client connects to that gateway (an edge
    /// hub) but still signs for <c>HostName</c>; TLS trusts the system CAs in /etc/ssl/certs.
    /// </summary>
    public static ModuleClientOptions FromConnectionString(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: base64 keys end in '='.
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add($"segment '{segment}' is not Name=Value");
                continue;
            }

            parts[segment[..equals]] = segment[(equals + 1)..];
        }

        foreach (var required in new[] { "HostName", "DeviceId", "ModuleId", "SharedAccessKey" })
        {
            if (!parts.TryGetValue(required, out var value) || value.Length == 0)
            {
                errors.Add($"{required} is missing");
            }
        }

        if (parts.TryGetValue("SharedAccessKey", out var key) && key.Length > 0 && !IsBase64(key))
        {
            errors.Add("SharedAccessKey is not base64");
        }

        if (errors.Count > 0)
        {
            throw new TransportConfigurationException("Invalid connection string: " + string.Join("; ", errors) + ".");
        }

        return new ModuleClientOptions
        {
            Mode = TransportMode.ConnectionString,
            IotHubHostName = parts["HostName"],
            Host = parts.TryGetValue("GatewayHostName", out var gateway) && gateway.Length > 0 ? gateway : parts["HostName"],
            Port = 8883,
            DeviceId = parts["DeviceId"],
            ModuleId = parts["ModuleId"],
            SharedAccessKey = parts["SharedAccessKey"],
            CaPath = "/etc/ssl/certs",
        };
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) && written > 0;
    }
}
