namespace EdgeModule.Transport.Mqtt.Auth;

/// <summary>Signs the SAS string-to-sign: locally with a key, or by the IoT Edge workload API.</summary>
internal interface ISasTokenSigner
{
    /// <summary>Returns the base64 HMAC-SHA256 of the UTF-8 <paramref name="data"/>.</summary>
    Task<string> SignAsync(string data, CancellationToken cancellationToken);
}
