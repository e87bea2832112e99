using EdgeModule.Transport.Mqtt.Native;

namespace EdgeModule.Transport.Mqtt.Tests.Native;

public sealed class MosquittoLibraryTests
{
    [Fact]
    public void Load_NoCandidateLoads_ThrowsDllNotFoundNamingTheDebianPackage()
    {
        var ex = Assert.Throws<DllNotFoundException>(() =>
            NativeMethods.Load(["libmosquitto-missing.so", "libmosquitto-missing.so.1"], typeof(NativeMethods).Assembly, null));

        Assert.Contains("libmosquitto-missing.so, libmosquitto-missing.so.1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install libmosquitto1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LaterCandidateExists_LoadsIt() =>
        Assert.NotEqual(0, NativeMethods.Load(["libmosquitto-missing.so", "libmosquitto.so.1"], typeof(NativeMethods).Assembly, null));
}
