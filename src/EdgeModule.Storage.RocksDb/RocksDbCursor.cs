using System.Runtime.CompilerServices;
using EdgeModule.Storage.RocksDb.Native;

namespace EdgeModule.Storage.RocksDb;

/// <summary>
/// A RocksDB iterator. <see cref="Key"/> and <see cref="Value"/> are spans straight over the iterator's memory (no
/// copy), valid until the cursor moves or is disposed. The iterator reads the version it was created on and keeps
/// the database open, so it keeps working after the store is disposed, until it is disposed itself.
/// </summary>
internal sealed class RocksDbCursor(IteratorHandle iterator) : IPartitionCursor
{
    private bool _valid;
    private bool _disposed;

    public bool IsValid
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _valid;
        }
    }

    public unsafe ReadOnlySpan<byte> Key
    {
        get
        {
            ThrowIfNotPositioned();
            nuint length = 0;
            var key = NativeMethods.rocksdb_iter_key(iterator, &length);
            return new ReadOnlySpan<byte>(key, checked((int)length));
        }
    }

    public unsafe ReadOnlySpan<byte> Value
    {
        get
        {
            ThrowIfNotPositioned();
            nuint length = 0;
            var value = NativeMethods.rocksdb_iter_value(iterator, &length);
            return new ReadOnlySpan<byte>(value, checked((int)length));
        }
    }

    public void SeekToFirst()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NativeMethods.rocksdb_iter_seek_to_first(iterator);
        Update();
    }

    public void SeekToLast()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        NativeMethods.rocksdb_iter_seek_to_last(iterator);
        Update();
    }

    public unsafe void Seek(ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (byte* k = &RocksDbPartitionReader.Pin(key))
        {
            NativeMethods.rocksdb_iter_seek(iterator, k, (nuint)key.Length);
        }

        Update();
    }

    public unsafe void SeekForPrev(ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (byte* k = &RocksDbPartitionReader.Pin(key))
        {
            NativeMethods.rocksdb_iter_seek_for_prev(iterator, k, (nuint)key.Length);
        }

        Update();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Next()
    {
        ThrowIfNotPositioned();
        NativeMethods.rocksdb_iter_next(iterator);
        Update();
    }

    public void Prev()
    {
        ThrowIfNotPositioned();
        NativeMethods.rocksdb_iter_prev(iterator);
        Update();
    }

    public void Dispose()
    {
        _disposed = true;
        _valid = false;
        iterator.Dispose();
    }

    /// <summary>An iterator also becomes invalid on an I/O error or corruption; only the end is not an error.</summary>
    internal static unsafe void ThrowIfIteratorFailed(IteratorHandle iterator)
    {
        nint error = 0;
        NativeMethods.rocksdb_iter_get_error(iterator, &error);
        NativeError.ThrowIfSet(error, "iteration");
    }

    private void Update()
    {
        _valid = NativeMethods.rocksdb_iter_valid(iterator) != 0;
        if (!_valid)
        {
            ThrowIfIteratorFailed(iterator);
        }
    }

    private void ThrowIfNotPositioned()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_valid)
        {
            throw new InvalidOperationException("The cursor is not on an entry; check IsValid after moving it.");
        }
    }
}
