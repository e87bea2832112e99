using System.Reflection;
using EdgeModule.Tests.Shared.NativeSignatures;
using EdgeModule.Transport.Mqtt.Native;

namespace EdgeModule.Transport.Mqtt.Tests.Native;

/// <summary>
/// The libmosquitto binding against Debian's <c>mosquitto.h</c> (libmosquitto-dev, 2.0), its one libc call against
/// the man page prototype, and <c>struct mosquitto_message</c>, which the message callback reads through a pointer.
/// </summary>
public sealed class NativeMethodsHeaderTests : HeaderBindingTests
{
    protected override string HeaderPath => "/usr/include/mosquitto.h";

    protected override string ExportMacro => "libmosq_EXPORT";

    protected override string HeaderPackage => "libmosquitto-dev";

    protected override string Library => "mosquitto";

    protected override Assembly Binding => typeof(NativeMethods).Assembly;

    /// <summary>The libc calls as their man pages declare them; glibc's headers wrap them in macros this reader does not expand.</summary>
    internal override IReadOnlyDictionary<string, IReadOnlyList<CFunction>> OtherPrototypes { get; } =
        new Dictionary<string, IReadOnlyList<CFunction>>
        {
            ["libc"] =
            [
                CHeaderParser.ParsePrototype("int shutdown(int sockfd, int how);"),
                CHeaderParser.ParsePrototype("int poll(struct pollfd* fds, unsigned long nfds, int timeout);"),
                CHeaderParser.ParsePrototype("int eventfd(unsigned int initval, int flags);"),
                CHeaderParser.ParsePrototype("ssize_t read(int fd, void* buf, size_t count);"),
                CHeaderParser.ParsePrototype("ssize_t write(int fd, void* buf, size_t count);"),
            ],
        };

    [Fact]
    public void PollFd_AgainstManPage_SameFields()
    {
        var fields = CHeaderParser.ParseStruct("struct pollfd { int fd; short events; short revents; };", "pollfd");

        var failures = NativeBindingChecker.CheckStruct(typeof(LibcMethods.PollFd), "pollfd", fields);

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void MosquittoMessage_AgainstHeader_SameFieldsThirtyTwoBitSafe()
    {
        var fields = CHeaderParser.ParseStruct(CHeader.ReadText(HeaderPath, HeaderPackage), "mosquitto_message");

        var failures = NativeBindingChecker.CheckStruct(typeof(MosquittoMessage), "mosquitto_message", fields);

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(["mid", "topic", "payload", "payloadlen", "qos", "retain"], fields.Select(f => f.Name));
    }

    [Fact]
    public void ReadPrototypes_MosquittoHeader_ReadsCallbackParameters()
    {
        var function = ReadHeader().Single(f => f.Name == "mosquitto_tls_set");

        Assert.Equal(
            "int mosquitto_tls_set(struct mosquitto* mosq, char* cafile, char* capath, char* certfile, char* keyfile, " +
            "int (*)(char*, int, int, void*) pw_callback)",
            function.ToString());
    }
}
