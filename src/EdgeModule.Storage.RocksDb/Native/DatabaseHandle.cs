using System.Text;

namespace EdgeModule.Storage.RocksDb.Native;

/// <summary>rocksdb_t. Closed only when the last column family handle, snapshot and iterator using it is gone.</summary>
internal sealed class DatabaseHandle : NativeHandle
{
    /// <summary>
    /// Opens the database with exactly these column families (RocksDB requires all existing ones, "default"
    /// included) and returns their handles in the same order.
    /// </summary>
    public static unsafe DatabaseHandle Open(OptionsHandle options, string path, IReadOnlyList<string> columnFamilies, out ColumnFamilyHandle[] handles)
    {
        // One buffer of NUL-terminated UTF-8 names; the pointers into it stay valid while it is pinned.
        var offsets = new int[columnFamilies.Count];
        var names = new List<byte>();
        for (var i = 0; i < columnFamilies.Count; i++)
        {
            offsets[i] = names.Count;
            names.AddRange(Encoding.UTF8.GetBytes(columnFamilies[i]));
            names.Add(0);
        }

        var nameBuffer = names.ToArray();
        var namePointers = new nint[columnFamilies.Count];
        var optionPointers = new nint[columnFamilies.Count];
        var handlePointers = new nint[columnFamilies.Count];
        var db = new DatabaseHandle();
        nint pointer = 0;
        nint error = 0;
        try
        {
            fixed (byte* nameBase = nameBuffer)
            fixed (nint* namePtrs = namePointers)
            fixed (nint* optionPtrs = optionPointers)
            fixed (nint* handlePtrs = handlePointers)
            {
                for (var i = 0; i < offsets.Length; i++)
                {
                    namePtrs[i] = (nint)(nameBase + offsets[i]);

                    // Safe without a reference of our own: the marshaller holds one on options for the whole call.
                    optionPtrs[i] = options.DangerousGetHandle();
                }

                pointer = NativeMethods.rocksdb_open_column_families(
                    options, path, offsets.Length, (byte**)namePtrs, optionPtrs, handlePtrs, &error);
            }
        }
        finally
        {
            db.Adopt(error == 0 ? pointer : 0);
        }

        NativeError.ThrowIfSet(error, $"open of '{path}'");
        db.ThrowIfNotCreated("open");
        handles = new ColumnFamilyHandle[handlePointers.Length];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = ColumnFamilyHandle.FromOpen(db, handlePointers[i]);
        }

        return db;
    }

    /// <summary>The column families of an existing database; throws if there is none at <paramref name="path"/>.</summary>
    public static unsafe List<string> ListColumnFamilies(OptionsHandle options, string path)
    {
        nuint count = 0;
        nint error = 0;
        var list = NativeMethods.rocksdb_list_column_families(options, path, &count, &error);
        NativeError.ThrowIfSet(error, $"listing the column families of '{path}'");
        try
        {
            var names = new List<string>((int)count);
            for (nuint i = 0; i < count; i++)
            {
                names.Add(new string((sbyte*)list[i], 0, StrLen(list[i]), Encoding.UTF8));
            }

            return names;
        }
        finally
        {
            NativeMethods.rocksdb_list_column_families_destroy(list, count);
        }
    }

    protected override void Free(nint pointer) => NativeMethods.rocksdb_close(pointer);

    private static unsafe int StrLen(byte* s) => new ReadOnlySpan<byte>(s, int.MaxValue).IndexOf((byte)0);
}
