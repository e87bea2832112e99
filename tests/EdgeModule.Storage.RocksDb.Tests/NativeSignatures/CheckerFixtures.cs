using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Storage.RocksDb.Tests.NativeSignatures;

/// <summary>
/// Imports that are never called: each one is wrong on arm32 (or wrong everywhere) in one way that the checker must
/// report. The C prototype each one stands against is in <see cref="NativeBindingCheckerTests"/>.
/// </summary>
internal static unsafe partial class FaultyBindings
{
    private const string Library = "edgemodule-never-loaded";

    [LibraryImport(Library)]
    internal static partial void size_as_ulong(nint options, ulong size);

    [LibraryImport(Library)]
    internal static partial void size_as_uint(nint options, uint size);

    [LibraryImport(Library)]
    internal static partial long long_as_long(nint options);

    [LibraryImport(Library)]
    internal static partial void pointer_as_long(long db);

    [LibraryImport(Library)]
    internal static partial void size_pointer_as_ulong_pointer(nint iterator, ulong* length);

    [LibraryImport(Library)]
    internal static partial void size_out_as_int(nint iterator, out int length);

    [LibraryImport(Library)]
    internal static partial void uint64_as_nuint(nint options, nuint bytes);

    [LibraryImport(Library)]
    internal static partial void int_as_nint(nint options, nint files);

    [LibraryImport(Library)]
    internal static partial void flag_as_four_byte_bool(nint options, [MarshalAs(UnmanagedType.Bool)] bool value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf16)]
    internal static partial void name_as_utf16_string(string name);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial string static_string_as_string(int code);

    [LibraryImport(Library)]
    internal static partial void callback_with_ulong_length(delegate* unmanaged<nint, ulong, void> callback);

    [LibraryImport(Library)]
    internal static partial void callback_missing_parameter(delegate* unmanaged<nint, void> callback);

    [LibraryImport(Library)]
    internal static partial void handle_for_size_pointer(SafeFileHandle length);

    [LibraryImport(Library)]
    internal static partial void one_parameter_short(nint db);
}

/// <summary>Imports that map their prototype correctly, in every form the bindings use (and a few more).</summary>
internal static unsafe partial class GoodBindings
{
    private const string Library = "edgemodule-never-loaded";

    internal enum Level
    {
        Info = 1,
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint open(SafeFileHandle options, string name, nuint* count, nint* errptr);

    [LibraryImport(Library)]
    internal static partial byte* iter_key(SafeFileHandle iterator, out nuint length);

    [LibraryImport(Library)]
    internal static partial void list_destroy(byte** list, nuint count);

    [LibraryImport(Library)]
    internal static partial void open_many(nint* options, nint* handles, byte** names, int count);

    [LibraryImport(Library)]
    internal static partial ulong latest_sequence(SafeFileHandle db);

    [LibraryImport(Library)]
    internal static partial void set_flags([MarshalAs(UnmanagedType.U1)] bool threaded, byte create, Level level, CLong interval);

    [LibraryImport(Library)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool want_write(nint mosq);

    [LibraryImport(Library, EntryPoint = "real_entry_point")]
    internal static partial int RenamedInManagedCode(int value);

    [LibraryImport(Library)]
    internal static partial void set_callback(nint mosq, delegate* unmanaged[Cdecl]<nint, nint, int, int, int*, void> callback);

    [LibraryImport(Library)]
    internal static partial void set_callback_as_pointer(nint mosq, nint callback);

    [LibraryImport(Library)]
    internal static partial void put(nint batch, byte[] key, nuint keyLength, ReadOnlySpan<byte> value, nuint valueLength);

    [LibraryImport(Library)]
    internal static partial void get_callback(delegate* unmanaged<int, void>* callback);
}

// The structs below are only read by reflection, never instantiated.
#pragma warning disable CS0649

/// <summary>Managed views of <c>struct message { int mid; char* topic; size_t length; bool retain; }</c>.</summary>
internal struct GoodMessage
{
    public int Mid;
    public nint Topic;
    public nuint Length;
    public bool Retain;
}

internal struct MessageWithLongPointer
{
    public int Mid;
    public long Topic;
    public nuint Length;
    public bool Retain;
}

[StructLayout(LayoutKind.Auto)]
internal struct MessageWithAutoLayout
{
    public int Mid;
    public nint Topic;
    public nuint Length;
    public bool Retain;
}
#pragma warning restore CS0649
