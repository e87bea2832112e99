using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// The only P/Invoke surface into libmosquitto (MQTT 3.1.1 client, Debian package <c>libmosquitto1</c>).
/// Ownership: every <c>struct mosquitto*</c> is created by <see cref="mosquitto_new"/> and freed only by
/// <see cref="MosquittoHandle"/> (which calls <see cref="mosquitto_destroy"/>); strings passed in are copied by the
/// library; pointers handed to callbacks are owned by the library and valid only during the callback.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string LibraryName = "mosquitto";
    private const string DebianPackage = "libmosquitto1";
    private static readonly string[] _candidates = ["libmosquitto.so.1", "libmosquitto.so"];

    static NativeMethods()
    {
        // One resolver per assembly: this is the only place that loads libmosquitto.
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
    }

    /// <summary>Loads the library and runs mosquitto_lib_init once per process; throws a clear error if absent.</summary>
    public static void EnsureInitialized() => _ = _initialized.Value;

    private static readonly Lazy<int> _initialized = new(() =>
    {
        var rc = mosquitto_lib_init();
        MqttTransportException.ThrowIfError(rc, "mosquitto_lib_init");
        return rc;
    });

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return 0;
        }

        return Load(_candidates, assembly, searchPath);
    }

    /// <summary>The first candidate that loads, or one error naming what was tried and the package to install.</summary>
    internal static nint Load(IReadOnlyList<string> candidates, Assembly assembly, DllImportSearchPath? searchPath)
    {
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(
            $"libmosquitto could not be loaded (tried {string.Join(", ", candidates)}). " +
            $"Install the Debian package '{DebianPackage}' (apt-get install {DebianPackage}).");
    }

    // ---- Library lifecycle -------------------------------------------------------------------------------------

    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_lib_init();

    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_lib_version(out int major, out int minor, out int revision);

    /// <summary>Returns a static string owned by the library: never free it.</summary>
    [LibraryImport(LibraryName)]
    internal static partial nint mosquitto_strerror(int errorCode);

    /// <summary>Returns a static string owned by the library: never free it.</summary>
    [LibraryImport(LibraryName)]
    internal static partial nint mosquitto_connack_string(int connackCode);

    // ---- Client object lifecycle (freed by MosquittoHandle.ReleaseHandle) ---------------------------------------

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint mosquitto_new(string? id, [MarshalAs(UnmanagedType.U1)] bool cleanSession, nint userData);

    [LibraryImport(LibraryName)]
    internal static partial void mosquitto_destroy(nint mosq);

    /// <summary>Tells the library other threads call publish/subscribe while our own thread runs mosquitto_loop.</summary>
    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_threaded_set(MosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool threaded);

    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_int_option(MosquittoHandle mosq, int option, int value);

    // ---- Credentials and TLS (the library copies every string) --------------------------------------------------

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mosquitto_username_pw_set(MosquittoHandle mosq, string? username, string? password);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mosquitto_tls_set(
        MosquittoHandle mosq, string? caFile, string? caPath, string? certFile, string? keyFile, nint passwordCallback);

    // ---- Connection and network loop ----------------------------------------------------------------------------

    /// <summary>Blocking TCP connect (and TLS handshake); the CONNACK arrives later through the loop.</summary>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mosquitto_connect(MosquittoHandle mosq, string host, int port, int keepAlive);

    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_disconnect(MosquittoHandle mosq);

    /// <summary>The connection's socket descriptor, or -1 when none is open; the library owns (and closes) it.</summary>
    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_socket(MosquittoHandle mosq);

    /// <summary>One select/read/write round; only ever called from the connection's own loop thread.</summary>
    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_loop(MosquittoHandle mosq, int timeoutMs, int maxPackets);

    // The parts of a round, for a loop that polls the socket itself (MosquittoConnection.Loop). Loop thread only.

    /// <summary>Reads packets until the socket would block (errno EAGAIN), or one when nothing is in flight; runs the callbacks.</summary>
    [LibraryImport(LibraryName, SetLastError = true)]
    internal static partial int mosquitto_loop_read(MosquittoHandle mosq, int maxPackets);

    /// <summary>Writes every queued packet until the socket would block.</summary>
    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_loop_write(MosquittoHandle mosq, int maxPackets);

    /// <summary>Keepalive: sends PINGREQ when due, ends a connection whose PINGRESP is overdue.</summary>
    [LibraryImport(LibraryName)]
    internal static partial int mosquitto_loop_misc(MosquittoHandle mosq);

    /// <summary>True when packets wait to be written.</summary>
    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool mosquitto_want_write(MosquittoHandle mosq);

    // ---- Messaging (payload and topic are copied before the call returns) -------------------------------------

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mosquitto_publish(
        MosquittoHandle mosq, out int messageId, string topic, int payloadLength, byte* payload, int qos,
        [MarshalAs(UnmanagedType.U1)] bool retain);

    /// <summary>The same entry point taking the topic as NUL-terminated UTF-8 the caller already holds.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mosquitto_publish")]
    internal static partial int mosquitto_publish_utf8(
        MosquittoHandle mosq, out int messageId, byte* topic, int payloadLength, byte* payload, int qos,
        [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mosquitto_subscribe(MosquittoHandle mosq, out int messageId, string pattern, int qos);

    // ---- Callbacks: function pointers to [UnmanagedCallersOnly] methods, which must never throw ---------------

    [LibraryImport(LibraryName)]
    internal static partial void mosquitto_connect_callback_set(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    [LibraryImport(LibraryName)]
    internal static partial void mosquitto_disconnect_callback_set(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    [LibraryImport(LibraryName)]
    internal static partial void mosquitto_publish_callback_set(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    [LibraryImport(LibraryName)]
    internal static partial void mosquitto_subscribe_callback_set(
        MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, int, int*, void> callback);

    [LibraryImport(LibraryName)]
    internal static partial void mosquitto_message_callback_set(
        MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, MosquittoMessage*, void> callback);

    internal static string ErrorText(int rc) => Marshal.PtrToStringUTF8(mosquitto_strerror(rc)) ?? $"error {rc}";

    internal static string ConnackText(int rc) => Marshal.PtrToStringUTF8(mosquitto_connack_string(rc)) ?? $"connack {rc}";
}
