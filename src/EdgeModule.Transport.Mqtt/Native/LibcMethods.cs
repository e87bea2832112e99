using System.Runtime.InteropServices;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// The libc calls the transport needs. <c>shutdown(2)</c> of libmosquitto's socket ends a connection from inside the
/// message callback before the PUBACK libmosquitto already queued can be written (MQTT 3.1.1 has no negative
/// acknowledgement); that descriptor stays owned and closed by libmosquitto. <c>poll(2)</c> and an <c>eventfd(2)</c>
/// (owned by <see cref="MosquittoConnection"/> through a <see cref="Microsoft.Win32.SafeHandles.SafeFileHandle"/>) run the
/// connection's own network loop (see MosquittoConnection.Loop).
/// </summary>
internal static unsafe partial class LibcMethods
{
    /// <summary>SHUT_RDWR: no further reads or writes on the socket; the peer sees the connection end.</summary>
    internal const int ShutReadWrite = 2;

    internal const short PollIn = 0x001;
    internal const short PollOut = 0x004;
    internal const short PollErr = 0x008;
    internal const short PollHup = 0x010;

    /// <summary>EFD_NONBLOCK | EFD_CLOEXEC (the values of O_NONBLOCK and O_CLOEXEC on Linux x64, arm and arm64).</summary>
    internal const int EventFdFlags = 0x800 | 0x80000;

    internal const int EAgain = 11;
    internal const int EIntr = 4;

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    internal static partial int Shutdown(int socket, int how);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary>A new eventfd (a 64-bit counter: write adds, read returns and clears it); the caller closes it.</summary>
    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buffer, nuint count);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
