using System.Runtime.InteropServices;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// The one libc call the transport needs: <c>shutdown(2)</c> of libmosquitto's socket, to end a connection from inside
/// the message callback before the PUBACK libmosquitto already queued can be written (MQTT 3.1.1 has no negative
/// acknowledgement). The descriptor stays owned and closed by libmosquitto.
/// </summary>
internal static partial class LibcMethods
{
    /// <summary>SHUT_RDWR: no further reads or writes on the socket; the peer sees the connection end.</summary>
    internal const int ShutReadWrite = 2;

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    internal static partial int Shutdown(int socket, int how);
}
