namespace EdgeModule.Messaging;

/// <summary>Options of <see cref="MessageStore"/>; the host binds them from the IoT Edge variables named below.</summary>
public sealed class MessageStoreOptions
{
    /// <summary>Default <see cref="TimeToLive"/>: 7200 s, IoT Edge's <c>TimeToLiveSecs</c> default.</summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromSeconds(7200);

    /// <summary>
    /// Default <see cref="CleanupInterval"/>: 30 s. IoT Edge's <c>MessageCleanupIntervalSecs</c> defaults to 1800 s;
    /// a shorter pass frees delivered messages sooner, and each pass only walks queue heads, so it is cheap.
    /// </summary>
    public static readonly TimeSpan DefaultCleanupInterval = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="MaxStoreBytes"/>: 1 GiB.</summary>
    public const long DefaultMaxStoreBytes = 1024L * 1024 * 1024;

    /// <summary>Default <see cref="MaxMessageBytes"/>: 256 KiB, IoT Hub's limit for a device-to-cloud message.</summary>
    public const int DefaultMaxMessageBytes = 256 * 1024;

    /// <summary>
    /// How long a message is kept from its enqueue time (<c>TimeToLiveSecs</c>). An expired message is not forwarded
    /// and is removed by cleanup. The current value applies to messages already stored, as in IoT Edge.
    /// </summary>
    public TimeSpan TimeToLive { get; init; } = DefaultTimeToLive;

    /// <summary>Period of <see cref="MessageStore.RunCleanupLoopAsync"/> (<c>MessageCleanupIntervalSecs</c>).</summary>
    public TimeSpan CleanupInterval { get; init; } = DefaultCleanupInterval;

    /// <summary>
    /// Upper bound of the bytes of stored message records (what <see cref="MessageStoreStats.MessageBytes"/> counts:
    /// encoded bodies and properties, stored once however many endpoints hold them). A message that would pass it is
    /// refused with <see cref="MessageStoreFullException"/>. With the in-memory backend keep it below the backend's
    /// MemoryLimitBytes (say 80 %), which also counts queue entries and overhead.
    /// </summary>
    public long MaxStoreBytes { get; init; } = DefaultMaxStoreBytes;

    /// <summary>A message whose record would be larger is refused with <see cref="MessageTooLargeException"/>.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>
    /// When the checkpoint of an endpoint advances, remove the queue entries it delivered, and the message records no
    /// other queue still references, in the same atomic write as the checkpoint, instead of leaving them to the next
    /// cleanup pass (which still removes expired entries). Default off (RocksDB: fewer, larger cleanup batches). Turn
    /// it on in memory mode with the journal, which writes the net change per key: a message acknowledged by the
    /// upstream before the next flush then never reaches the disk.
    /// </summary>
    public bool RemoveOnCheckpoint { get; init; }

    /// <summary>Routing from inputs to endpoints, default <see cref="RouteTable.Default"/>.</summary>
    public RouteTable Routes { get; init; } = RouteTable.Default;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TimeToLive, TimeSpan.Zero, nameof(TimeToLive));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CleanupInterval, TimeSpan.Zero, nameof(CleanupInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStoreBytes, 1, nameof(MaxStoreBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessageBytes, 1, nameof(MaxMessageBytes));
        ArgumentNullException.ThrowIfNull(Routes, nameof(Routes));
    }
}
