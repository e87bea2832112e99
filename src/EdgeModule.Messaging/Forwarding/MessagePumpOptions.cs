namespace EdgeModule.Messaging.Forwarding;

/// <summary>Options of <see cref="MessagePump"/>.</summary>
public sealed class MessagePumpOptions
{
    /// <summary>Default <see cref="BatchSize"/>: 100 messages.</summary>
    public const int DefaultBatchSize = 100;

    /// <summary>Default <see cref="MaxBatchBytes"/>: 4 MiB of records.</summary>
    public const long DefaultMaxBatchBytes = 4L << 20;

    /// <summary>Default <see cref="RetryMinDelay"/>: 1 s.</summary>
    public static readonly TimeSpan DefaultRetryMinDelay = TimeSpan.FromSeconds(1);

    /// <summary>Default <see cref="RetryMaxDelay"/>: 60 s, so a returning upstream is found within a minute.</summary>
    public static readonly TimeSpan DefaultRetryMaxDelay = TimeSpan.FromSeconds(60);

    /// <summary>Most messages handed to the sender at once (fewer when the queue holds fewer).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Most record bytes in one batch: a batch ends after the message that reaches it (so one message larger than it
    /// still goes). Bounds what a batch holds in memory when messages are large.
    /// </summary>
    public long MaxBatchBytes { get; init; } = DefaultMaxBatchBytes;

    /// <summary>First retry delay; it doubles per failed attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryMinDelay { get; init; } = DefaultRetryMinDelay;

    public TimeSpan RetryMaxDelay { get; init; } = DefaultRetryMaxDelay;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1, nameof(MaxBatchBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryMinDelay, TimeSpan.Zero, nameof(RetryMinDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryMinDelay, nameof(RetryMaxDelay));
    }
}
