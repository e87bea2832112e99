using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>Turns a native <c>char* errptr</c> into a <see cref="RocksDbException"/> and frees the string.</summary>
internal static class NativeError
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ThrowIfSet(nint error, string operation)
    {
        if (error != 0)
        {
            Throw(error, operation);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(nint error, string operation) => throw Take(error, operation);

    /// <summary>Reads the message and frees it; the caller decides what to throw.</summary>
    public static RocksDbException Take(nint error, string operation)
    {
        string message;
        try
        {
            message = Marshal.PtrToStringUTF8(error) ?? string.Empty;
        }
        finally
        {
            NativeMethods.rocksdb_free(error);
        }

        return new RocksDbException(operation, message);
    }
}
