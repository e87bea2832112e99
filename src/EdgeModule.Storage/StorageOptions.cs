namespace EdgeModule.Storage;

/// <summary>Limits shared by every backend, checked before anything is written.</summary>
public class StorageOptions
{
    /// <summary>Default <see cref="MaxKeyBytes"/>: message-store keys are 16 bytes; anything near this is a bug.</summary>
    public const int DefaultMaxKeyBytes = 4 * 1024;

    /// <summary>Default <see cref="MaxValueBytes"/>: far above IoT Hub's 256 KB message limit, far below 32-bit trouble.</summary>
    public const int DefaultMaxValueBytes = 64 * 1024 * 1024;

    /// <summary>Longest partition name, in UTF-8 bytes.</summary>
    public const int MaxPartitionNameBytes = 200;

    /// <summary>A key longer than this is an <see cref="ArgumentException"/>.</summary>
    public int MaxKeyBytes { get; init; } = DefaultMaxKeyBytes;

    /// <summary>A value longer than this is an <see cref="ArgumentException"/>.</summary>
    public int MaxValueBytes { get; init; } = DefaultMaxValueBytes;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit out of range.</summary>
    public virtual void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxKeyBytes, 1, nameof(MaxKeyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 0, nameof(MaxValueBytes));
    }
}
