namespace EdgeModule.Transport.Mqtt.Auth;

/// <summary>
/// Issues tokens for one module identity (resource <c>{hub}/devices/{d}/modules/{m}</c>) valid for
/// <see cref="TimeToLive"/> from the injected clock; the client reconnects with a fresh one at
/// <see cref="RenewAt"/>, before the hub would drop the connection at expiry.
/// </summary>
internal sealed class SasTokenSource(string resource, ISasTokenSigner signer, TimeProvider timeProvider, TimeSpan timeToLive)
{
    public TimeSpan TimeToLive { get; } = timeToLive;

    public string Resource { get; } = resource;

    public async Task<SasToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        var expiresOn = timeProvider.GetUtcNow() + TimeToLive;
        var signature = await signer.SignAsync(SasToken.StringToSign(Resource, expiresOn.ToUnixTimeSeconds()), cancellationToken)
            .ConfigureAwait(false);
        return SasToken.Create(Resource, expiresOn, signature);
    }

    /// <summary>Renew a fifth of the lifetime before expiry, but never more than 5 minutes before it.</summary>
    public DateTimeOffset RenewAt(SasToken token)
    {
        var margin = TimeSpan.FromTicks(Math.Min(TimeToLive.Ticks / 5, TimeSpan.FromMinutes(5).Ticks));
        return token.ExpiresOn - margin;
    }
}
