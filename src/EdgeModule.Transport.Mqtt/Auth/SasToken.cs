using System.Globalization;

namespace EdgeModule.Transport.Mqtt.Auth;

/// <summary>
/// An IoT Hub shared access signature:
/// <c>SharedAccessSignature sr={url-encoded resource}&amp;sig={url-encoded base64 HMAC-SHA256}&amp;se={unix expiry}</c>,
/// where the HMAC is taken over <c>{url-encoded resource}\n{expiry}</c> with the base64-decoded key.
/// </summary>
internal sealed record SasToken(string Value, DateTimeOffset ExpiresOn)
{
    public static string StringToSign(string resource, long expiry) =>
        string.Create(CultureInfo.InvariantCulture, $"{Uri.EscapeDataString(resource)}\n{expiry}");

    public static SasToken Create(string resource, DateTimeOffset expiresOn, string base64Signature)
    {
        var expiry = expiresOn.ToUnixTimeSeconds();
        var value = string.Create(
            CultureInfo.InvariantCulture,
            $"SharedAccessSignature sr={Uri.EscapeDataString(resource)}&sig={Uri.EscapeDataString(base64Signature)}&se={expiry}");
        return new SasToken(value, DateTimeOffset.FromUnixTimeSeconds(expiry));
    }
}
