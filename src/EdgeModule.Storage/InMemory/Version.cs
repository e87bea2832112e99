namespace EdgeModule.Storage.InMemory;

/// <summary>
/// One value of a key as of a sequence number; a null <see cref="Value"/> is a removal (tombstone). Versions form a
/// chain from newest to oldest. Immutable except for <see cref="Older"/>, which the writer cuts (never re-points) once
/// no reader can need the older versions.
/// </summary>
internal sealed class Version(long sequence, byte[]? value, Version? older)
{
    public const int Overhead = 40;

    private Version? _older = older;

    public long Sequence { get; } = sequence;

    public byte[]? Value { get; } = value;

    public Version? Older => Volatile.Read(ref _older);

    public long Size => Overhead + (Value is null ? 0 : 24 + Value.Length);

    public void CutOlder() => Volatile.Write(ref _older, null);
}
