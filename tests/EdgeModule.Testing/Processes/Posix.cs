using System.Runtime.InteropServices;

namespace EdgeModule.Tests.Infrastructure;

/// <summary>kill(2): signals to child processes (the module, the brokers) by PID.</summary>
internal static partial class Posix
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
