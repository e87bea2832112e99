using EdgeModule.Tests.Shared.NativeSignatures;

namespace EdgeModule.Storage.RocksDb.Tests.NativeSignatures;

/// <summary>The prototype reader on the shapes c.h and mosquitto.h use, and on what it must refuse.</summary>
public sealed class CHeaderParserTests
{
    [Fact]
    public void ParseHeader_MultiLineWithComments_ReadsPrototype()
    {
        const string header = """
            /* Open. */
            extern ROCKSDB_LIBRARY_API rocksdb_t* /* the db */ rocksdb_open(
                const rocksdb_options_t* options, // copied
                const char* name,
                char** errptr);
            """;

        var function = Assert.Single(CHeaderParser.ParseHeader(header, "ROCKSDB_LIBRARY_API"));

        Assert.Equal("rocksdb_t* rocksdb_open(rocksdb_options_t* options, char* name, char** errptr)", function.ToString());
    }

    [Theory]
    [InlineData("void f(void);", "void f()")]
    [InlineData("void f();", "void f()")]
    [InlineData("rocksdb_writebatch_t* rocksdb_writebatch_create(\n    void);", "rocksdb_writebatch_t* rocksdb_writebatch_create()")]
    [InlineData("uint64_t rocksdb_get_latest_sequence_number (rocksdb_t *db);", "uint64_t rocksdb_get_latest_sequence_number(rocksdb_t* db)")]
    [InlineData("void f(rocksdb_options_t*, size_t, unsigned char);", "void f(rocksdb_options_t*, size_t, unsigned char)")]
    [InlineData("void f(const char* const* names, char * const * values);", "void f(char** names, char** values)")]
    [InlineData("void f(const char* const keys[], const size_t sizes[]);", "void f(char** keys, size_t* sizes)")]
    [InlineData("void f(unsigned u, long int l, unsigned long long int ull, signed s, _Bool b);", "void f(unsigned int u, long l, unsigned long long ull, int s, bool b)")]
    [InlineData("int f(struct mosquitto *mosq, enum mosq_opt_t option, struct mosquitto *);", "int f(struct mosquitto* mosq, enum mosq_opt_t option, struct mosquitto*)")]
    [InlineData("const struct mosquitto_message *f(void);", "struct mosquitto_message* f()")]
    [InlineData("int f(int (*pw_callback)(char *buf, int size, int rwflag, void *userdata));", "int f(int (*)(char*, int, int, void*) pw_callback)")]
    [InlineData("void f(void (*)(struct mosquitto *, void *, const struct mosquitto_message *));", "void f(void (*)(struct mosquitto*, void*, struct mosquitto_message*))")]
    [InlineData("void* f(void* state, void (*destructor)(void*), const char* (*name)(void*));", "void* f(void* state, void (*)(void*) destructor, char* (*)(void*) name)")]
    [InlineData("void f(int (* const cb)(void));", "void f(int (*)() cb)")]
    [InlineData("void f(void (**out)(int));", "void f(void (*)(int)* out)")]
    public void ParsePrototype_TrickyShapes_ReadsCanonicalForm(string declaration, string expected) =>
        Assert.Equal(expected, CHeaderParser.ParsePrototype(declaration).ToString());

    [Fact]
    public void ParsePrototype_FunctionPointerParameter_KeepsItsSignature()
    {
        var function = CHeaderParser.ParsePrototype("void f(void (*on_subscribe)(struct mosquitto *, void *, int, int, const int *));");

        var callback = Assert.IsType<CFunctionPointerType>(Assert.Single(function.Parameters).Type);
        Assert.Equal("on_subscribe", function.Parameters[0].Name);
        Assert.Equal(CType.Void, callback.ReturnType);
        Assert.Equal(new CPointerType(new CNamedType("int")), callback.Parameters[4].Type);
        Assert.Equal(5, callback.Parameters.Count);
    }

    [Fact]
    public void ParseHeader_MacroInCommentsDirectivesAndStrings_OnlyRealDeclarations()
    {
        const string header = """
            #ifdef __cplusplus
            extern "C" {
            #endif
            #define API_WRAP(x) \
              API int wrapped_##x(void);
            /* API int commented(void); */
            // API int line_commented(void);
            const char* s = "API int in_a_string(void);";
            API int real(void);
            API bool another(int x);
            """;

        var functions = CHeaderParser.ParseHeader(header, "API");

        Assert.Equal(["real", "another"], functions.Select(f => f.Name));
    }

    [Fact]
    public void ParseHeader_MacroIsWholeWordOnly()
    {
        var functions = CHeaderParser.ParseHeader("MY_API int a(void); NOT_MY_API int b(void); MY_API_X int c(void);", "MY_API");

        Assert.Equal("a", Assert.Single(functions).Name);
    }

    [Theory]
    [InlineData("int printf(const char* format, ...);", "varargs")]
    [InlineData("void (*signal(int sig, void (*func)(int)))(int);", "signal")]
    [InlineData("int f(int x = 3);", "unexpected '='")]
    [InlineData("int f(int x;", "unbalanced parentheses")]
    [InlineData("int f", "no parameter list")]
    [InlineData("f(int x);", "no return type")]
    [InlineData("int f(int * x y);", "cannot read the type")]
    [InlineData("int f(int (cb)(void));", "function pointer")]
    public void ParsePrototype_Unsupported_ThrowsNamingTheDeclaration(string declaration, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => CHeaderParser.ParsePrototype(declaration));

        Assert.Contains("Cannot read the C declaration", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseHeader_DeclarationWithoutSemicolon_Throws() =>
        Assert.Throws<FormatException>(() => CHeaderParser.ParseHeader("API int f(void)", "API"));

    [Fact]
    public void ParseStruct_Fields_InOrderWithTypes()
    {
        const string header = """
            struct other { int x; };
            struct mosquitto_message{
            	int mid;
            	char *topic;   /* the topic */
            	void *payload;
            	bool retain;
            };
            """;

        var fields = CHeaderParser.ParseStruct(header, "mosquitto_message");

        Assert.Equal(["int mid", "char* topic", "void* payload", "bool retain"], fields.Select(f => f.ToString()));
    }

    [Theory]
    [InlineData("struct s { char name[16]; };", "inline array")]
    [InlineData("struct s { int; };", "without a name")]
    [InlineData("struct t { int x; };", "No definition of struct s")]
    public void ParseStruct_Unsupported_Throws(string header, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => CHeaderParser.ParseStruct(header, "s")).Message, StringComparison.Ordinal);
}
