using System.Runtime.InteropServices;
using EdgeModule.Tests.Shared.NativeSignatures;

namespace EdgeModule.Storage.RocksDb.Tests.NativeSignatures;

/// <summary>The checker finds each way an import can be wrong on arm32, names it, and accepts the correct forms.</summary>
public sealed class NativeBindingCheckerTests
{
    private const string Size32 = "is 32 bits on arm32 and 64 on arm64";

    [Theory]
    [InlineData("size_as_ulong", "void size_as_ulong(rocksdb_options_t* opt, size_t n);", "parameter 1 'size_t n': C size_t ↔ ulong size", Size32)]
    [InlineData("size_as_uint", "void size_as_uint(rocksdb_options_t*, size_t);", "parameter 1 'size_t': C size_t ↔ uint size", "use nuint")]
    [InlineData("long_as_long", "long long_as_long(rocksdb_options_t*);", "return value: C long ↔ long", Size32)]
    [InlineData("pointer_as_long", "void pointer_as_long(rocksdb_t* db);", "parameter 0 'rocksdb_t* db': C rocksdb_t* ↔ long db", "pointer")]
    [InlineData("size_pointer_as_ulong_pointer", "void size_pointer_as_ulong_pointer(const rocksdb_iterator_t*, size_t* klen);", "parameter 1 'size_t* klen': C size_t* ↔ ulong* length", Size32)]
    [InlineData("size_out_as_int", "void size_out_as_int(const rocksdb_iterator_t*, size_t* klen);", "parameter 1 'size_t* klen': C size_t* ↔ out int length", "use nuint")]
    [InlineData("uint64_as_nuint", "void uint64_as_nuint(rocksdb_options_t* opt, uint64_t n);", "C uint64_t ↔ nuint bytes", "64 bits on every target")]
    [InlineData("int_as_nint", "void int_as_nint(rocksdb_options_t*, int);", "parameter 1 'int': C int ↔ nint files", "32 bits on every target")]
    [InlineData("flag_as_four_byte_bool", "void flag_as_four_byte_bool(rocksdb_options_t*, unsigned char);", "C unsigned char ↔ [MarshalAs(Bool)] bool value", "MarshalAs(UnmanagedType.U1)")]
    [InlineData("name_as_utf16_string", "void name_as_utf16_string(const char* name);", "parameter 0 'char* name': C char* ↔ string name", "UTF-8")]
    [InlineData("static_string_as_string", "const char* static_string_as_string(int rc);", "return value: C char* ↔ string", "free the C string")]
    [InlineData("callback_with_ulong_length", "void callback_with_ulong_length(void (*cb)(void*, size_t len));", "callback parameter 1 (size_t len): C size_t " + Size32, "delegate* unmanaged<nint, ulong, void>")]
    [InlineData("callback_missing_parameter", "void callback_missing_parameter(void (*cb)(void*, int));", "the C callback takes 2 parameters, the function pointer 1", "parameter 0 'void (*)(void*, int) cb'")]
    [InlineData("handle_for_size_pointer", "void handle_for_size_pointer(size_t* length);", "C size_t* ↔ SafeFileHandle length", "opaque object")]
    [InlineData("one_parameter_short", "void one_parameter_short(rocksdb_t* db, char** errptr);", "C declares 2 parameters", "the import 1")]
    public void Check_FaultyImport_NamesFunctionParameterAndBothTypes(string method, string prototype, string where, string why)
    {
        var failures = NativeBindingChecker.Check(Import(typeof(FaultyBindings), method), CHeaderParser.ParsePrototype(prototype));

        var failure = Assert.Single(failures);
        Assert.StartsWith($"{method} (FaultyBindings.{method})", failure, StringComparison.Ordinal);
        Assert.Contains(where, failure, StringComparison.Ordinal);
        Assert.Contains(why, failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("open", "void* open(const rocksdb_options_t* options, const char* name, size_t* lencf, char** errptr);")]
    [InlineData("iter_key", "const char* iter_key(const rocksdb_iterator_t*, size_t* klen);")]
    [InlineData("list_destroy", "void list_destroy(char** list, size_t len);")]
    [InlineData("open_many", "void open_many(const rocksdb_options_t* const* opts, rocksdb_column_family_handle_t** handles, const char* const names[], int n);")]
    [InlineData("latest_sequence", "uint64_t latest_sequence(rocksdb_t* db);")]
    [InlineData("set_flags", "void set_flags(bool threaded, unsigned char create, enum log_level level, long interval);")]
    [InlineData("want_write", "bool want_write(struct mosquitto* mosq);")]
    [InlineData("RenamedInManagedCode", "int real_entry_point(int);")]
    [InlineData("set_callback", "void set_callback(struct mosquitto* mosq, void (*on_subscribe)(struct mosquitto*, void*, int, int, const int*));")]
    [InlineData("set_callback_as_pointer", "void set_callback_as_pointer(struct mosquitto* mosq, void (*on_connect)(struct mosquitto*, void*, int));")]
    [InlineData("put", "void put(rocksdb_writebatch_t*, const char* key, size_t klen, const void* val, size_t vlen);")]
    [InlineData("get_callback", "void get_callback(void (**callback)(int));")]
    public void Check_CorrectImport_NoFailure(string method, string prototype)
    {
        var failures = NativeBindingChecker.Check(Import(typeof(GoodBindings), method), CHeaderParser.ParsePrototype(prototype));

        Assert.Empty(failures);
    }

    [Fact]
    public void Check_EntryPointNotInHeader_FailsNamingIt()
    {
        var header = new Dictionary<string, IReadOnlyList<CFunction>>
        {
            ["edgemodule-never-loaded"] = [CHeaderParser.ParsePrototype("int RenamedInManagedCode(int);")],
        };

        var failure = Assert.Single(NativeBindingChecker.Check([Import(typeof(GoodBindings), "RenamedInManagedCode")], header));

        Assert.Equal(
            "real_entry_point (GoodBindings.RenamedInManagedCode): 'real_entry_point' is not declared in the header of 'edgemodule-never-loaded'",
            failure);
    }

    [Fact]
    public void Check_LibraryWithoutHeader_Fails()
    {
        var failure = Assert.Single(NativeBindingChecker.Check([Import(typeof(GoodBindings), "want_write")], new Dictionary<string, IReadOnlyList<CFunction>>()));

        Assert.Contains("imports from 'edgemodule-never-loaded', for which no header or prototype is checked", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void FindImports_Assembly_FindsEveryLibraryImportWithItsEntryPoint()
    {
        var imports = NativeBindingChecker.FindImports(typeof(GoodBindings).Assembly);

        Assert.Equal(15 + 12, imports.Count);
        Assert.Contains(imports, i => i.EntryPoint == "real_entry_point" && i.Method.Name == "RenamedInManagedCode");
    }

    [Fact]
    public void CheckStruct_SameFields_NoFailure() =>
        Assert.Empty(NativeBindingChecker.CheckStruct(typeof(GoodMessage), "message", MessageFields()));

    [Fact]
    public void CheckStruct_PointerFieldAsLong_FailsNamingTheField()
    {
        var failure = Assert.Single(NativeBindingChecker.CheckStruct(typeof(MessageWithLongPointer), "message", MessageFields()));

        Assert.StartsWith("MessageWithLongPointer field 1 'char* topic': C char* ↔ long Topic", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckStruct_AutoLayout_Fails() =>
        Assert.Contains("LayoutKind.Sequential", Assert.Single(NativeBindingChecker.CheckStruct(typeof(MessageWithAutoLayout), "message", MessageFields())), StringComparison.Ordinal);

    [Theory]
    [InlineData("size_t", typeof(nuint), true)]
    [InlineData("size_t", typeof(ulong), false)]
    [InlineData("size_t", typeof(uint), false)]
    [InlineData("long", typeof(nint), true)]
    [InlineData("long", typeof(long), false)]
    [InlineData("unsigned long", typeof(CULong), true)]
    [InlineData("int64_t", typeof(long), true)]
    [InlineData("int64_t", typeof(nint), false)]
    [InlineData("unsigned char", typeof(byte), true)]
    [InlineData("unsigned char", typeof(int), false)]
    [InlineData("int", typeof(int), true)]
    [InlineData("int", typeof(nint), false)]
    [InlineData("double", typeof(double), true)]
    [InlineData("rocksdb_t", typeof(nint), false)]
    public void Mismatch_ScalarByValue_FollowsTheRules(string c, Type managed, bool maps)
    {
        var reason = CTypeMapping.Mismatch(new CNamedType(c), managed, Slot.Parameter);

        Assert.True(maps == (reason is null), reason ?? $"{c} should not map to {managed.Name}");
    }

    private static ImportedFunction Import(Type type, string method) =>
        NativeBindingChecker.FindImports(type.Assembly).Single(i => i.Method.DeclaringType == type && i.Method.Name == method);

    private static IReadOnlyList<CParameter> MessageFields() =>
        CHeaderParser.ParseStruct("struct message { int mid; char *topic; size_t length; bool retain; };", "message");
}
