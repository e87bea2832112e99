using EdgeModule.Messaging;

namespace EdgeModule;

/// <summary>The message store and routing part of the configuration (IoT Edge names where IoT Edge has one).</summary>
public sealed class MessagingOptions
{
    public TimeSpan TimeToLive { get; init; } = MessageStoreOptions.DefaultTimeToLive;

    public TimeSpan CleanupInterval { get; init; } = MessageStoreOptions.DefaultCleanupInterval;

    public RouteTable Routes { get; init; } = RouteTable.Default;

    /// <summary>Seconds between the flow summaries (received, forwarded, queued) in the log; 0 turns them off.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(30);

    public static MessagingOptions Read(SettingsReader env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var routes = RouteTable.Default;
        if (env.String("Routes") is { } raw)
        {
            try
            {
                routes = RouteTable.Parse(raw);
            }
            catch (FormatException e)
            {
                env.Invalid("Routes", raw,
                    $"use input=endpoint[,endpoint…][;input=…] with names of ASCII letters, digits, '-', '_', '.' ({e.Message.TrimEnd('.')})");
            }
        }

        return new MessagingOptions
        {
            TimeToLive = TimeSpan.FromSeconds(env.Int64("TimeToLiveSecs", (long)MessageStoreOptions.DefaultTimeToLive.TotalSeconds, 1, int.MaxValue)),
            CleanupInterval = TimeSpan.FromSeconds(env.Int64("MessageCleanupIntervalSecs", (long)MessageStoreOptions.DefaultCleanupInterval.TotalSeconds, 1, int.MaxValue)),
            Routes = routes,
            StatsInterval = TimeSpan.FromSeconds(env.Int64("StatsIntervalSecs", 30, 0, 86400)),
        };
    }
}
