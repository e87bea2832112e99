using System.Security.Cryptography;
using System.Text;

namespace EdgeModule.Transport.Mqtt.Auth;

/// <summary>Signs with a shared access key from a connection string (base64, as the portal shows it).</summary>
internal sealed class SharedAccessKeySigner(byte[] key) : ISasTokenSigner
{
    public Task<string> SignAsync(string data, CancellationToken cancellationToken) =>
        Task.FromResult(Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data))));
}
