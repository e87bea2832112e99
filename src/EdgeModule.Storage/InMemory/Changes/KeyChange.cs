namespace EdgeModule.Storage.InMemory;

/// <summary>
/// The net change of one key since the change set's base: its newest value, or <see langword="null"/> when the key
/// was removed (it existed at the base). <see cref="Value"/> is the store's own immutable array, shared, never copied.
/// </summary>
public readonly record struct KeyChange(byte[] Key, byte[]? Value)
{
    /// <summary>Key bytes plus value bytes: what the change costs on disk, before framing.</summary>
    public long Size => Key.Length + (Value?.Length ?? 0L);
}
