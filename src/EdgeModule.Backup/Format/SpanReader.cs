using System.Buffers.Binary;

namespace EdgeModule.Backup.Format;

/// <summary>Bounds-checked little-endian reads from a payload; <see cref="Ok"/> turns false on the first overrun.</summary>
internal ref struct SpanReader
{
    private ReadOnlySpan<byte> _rest;

    public SpanReader(ReadOnlySpan<byte> data)
    {
        _rest = data;
        Ok = true;
    }

    public bool Ok { get; private set; }

    public readonly bool AtEnd => _rest.IsEmpty;

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (!Ok || count < 0 || count > _rest.Length)
        {
            Ok = false;
            _rest = default;
            return default;
        }

        var bytes = _rest[..count];
        _rest = _rest[count..];
        return bytes;
    }

    public byte U8() => _rest.Length >= 1 ? Bytes(1)[0] : Fail<byte>();

    public ushort U16() => _rest.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2)) : Fail<ushort>();

    public uint U32() => _rest.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)) : Fail<uint>();

    public ulong U64() => _rest.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8)) : Fail<ulong>();

    public long I64() => _rest.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(Bytes(8)) : Fail<long>();

    /// <summary>A u16 length, then that many bytes of strict UTF-8; null when malformed.</summary>
    public string? String()
    {
        var bytes = Bytes(U16());
        if (!Ok)
        {
            return null;
        }

        try
        {
            return BackupFormat.StrictUtf8.GetString(bytes);
        }
        catch (ArgumentException)
        {
            Ok = false;
            return null;
        }
    }

    private T Fail<T>()
        where T : struct
    {
        Ok = false;
        _rest = default;
        return default;
    }
}
