using System.Runtime.InteropServices;

namespace EdgeModule.Testing;

/// <summary>
/// Whether this test process runs under user-mode emulation (qemu-user: eng/arm64-stage.sh runs the arm64 tests so),
/// found at run time: the kernel's own architecture (/proc/sys/kernel/arch, which qemu passes through) is not the one
/// the process runs as. qemu translates the system calls a program makes, but not everything the host kernel reports
/// back about it; a test that reads such a report skips itself under emulation, saying what qemu does not emulate.
/// </summary>
internal static class Emulation
{
    private static readonly Lazy<string?> _kernelArchitecture = new(() =>
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/arch").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // kernels before 5.12 have no such file: taken as native
        }
    });

    /// <summary>The kernel's architecture when it differs from the process's (emulated), else null.</summary>
    public static string? HostArchitecture =>
        _kernelArchitecture.Value is { } kernel && !Matches(RuntimeInformation.ProcessArchitecture, kernel) ? kernel : null;

    public static bool IsEmulated => HostArchitecture is not null;

    /// <summary>
    /// What test bounds are multiplied by: 4 under emulation (qemu runs JIT-compiled code several times slower, and the
    /// first TLS handshake of a run took over 20 s), else 1.
    /// </summary>
    public static int TimeScale => IsEmulated ? 4 : 1;

    /// <summary>Skips the test under emulation: <paramref name="what"/> names what qemu does not emulate.</summary>
    public static void SkipIfEmulated(string what) =>
        Assert.SkipWhen(IsEmulated, $"runs as {RuntimeInformation.ProcessArchitecture} under emulation on a {HostArchitecture} kernel, and qemu-user does not emulate {what}");

    private static bool Matches(Architecture process, string kernel) => process switch
    {
        Architecture.X64 => kernel == "x86_64",
        Architecture.X86 => kernel is "i386" or "i686" or "x86_64",
        Architecture.Arm64 => kernel == "aarch64",
        Architecture.Arm => kernel.StartsWith("arm", StringComparison.Ordinal) || kernel == "aarch64",
        _ => true,
    };
}
