using System.Text;

namespace EdgeModule.Storage;

/// <summary>The argument checks every backend makes, so they reject exactly the same input.</summary>
public static class StorageArguments
{
    /// <summary>RocksDB always has a column family of this name; no backend lets a partition take it.</summary>
    public const string ReservedPartitionName = "default";

    public static void ValidateKey(byte[]? key, StorageOptions options, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        ValidateKeyLength(key.Length, options, paramName);
    }

    public static void ValidateValue(byte[]? value, StorageOptions options, string paramName = "value")
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        ValidateValueLength(value.Length, options, paramName);
    }

    public static void ValidateKeyLength(int length, StorageOptions options, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(options);
        if (length > options.MaxKeyBytes)
        {
            throw new ArgumentException(
                $"The key is {length} bytes; the limit is {options.MaxKeyBytes} (StorageOptions.MaxKeyBytes).", paramName);
        }
    }

    public static void ValidateValueLength(int length, StorageOptions options, string paramName = "value")
    {
        ArgumentNullException.ThrowIfNull(options);
        if (length > options.MaxValueBytes)
        {
            throw new ArgumentException(
                $"The value is {length} bytes; the limit is {options.MaxValueBytes} (StorageOptions.MaxValueBytes).", paramName);
        }
    }

    /// <summary>
    /// A partition name is 1..200 UTF-8 bytes of printable characters (no control characters, no '/' or '\', which
    /// keeps names safe as file names and in logs) and not <see cref="ReservedPartitionName"/>.
    /// </summary>
    public static void ValidatePartitionName(string? name, string paramName = "name")
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (name.Length == 0)
        {
            throw new ArgumentException("A partition name cannot be empty.", paramName);
        }

        if (Encoding.UTF8.GetByteCount(name) > StorageOptions.MaxPartitionNameBytes)
        {
            throw new ArgumentException(
                $"The partition name is longer than {StorageOptions.MaxPartitionNameBytes} UTF-8 bytes.", paramName);
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var loneSurrogate = char.IsHighSurrogate(c) ? !char.IsSurrogatePair(name, i)
                : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(name[i - 1]));
            if (char.IsControl(c) || c == '/' || c == '\\' || loneSurrogate)
            {
                throw new ArgumentException(
                    $"The partition name '{Printable(name)}' contains a control character, '/', '\\' or a lone surrogate.", paramName);
            }
        }

        if (string.Equals(name, ReservedPartitionName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The partition name '{ReservedPartitionName}' is reserved.", paramName);
        }
    }

    public static ArgumentException UnknownPartition(string name, string paramName = "name") =>
        new($"There is no partition named '{Printable(name)}'.", paramName);

    private static string Printable(string s) => new(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
