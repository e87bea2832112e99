using System.Runtime.InteropServices;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>Owns one <c>struct mosquitto*</c>; the runtime's ref counting makes a double free impossible.</summary>
internal sealed class MosquittoHandle : SafeHandle
{
    public MosquittoHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    public static MosquittoHandle Create(string clientId, bool cleanSession, nint userData)
    {
        NativeMethods.EnsureInitialized();
        var raw = NativeMethods.mosquitto_new(clientId, cleanSession, userData);
        if (raw == 0)
        {
            throw new MqttTransportException("mosquitto_new failed (out of memory or invalid client id).");
        }

        var result = new MosquittoHandle();
        result.SetHandle(raw);
        return result;
    }

    protected override bool ReleaseHandle()
    {
        NativeMethods.mosquitto_destroy(handle);
        return true;
    }
}
