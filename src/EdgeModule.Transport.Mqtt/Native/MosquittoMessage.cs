using System.Runtime.InteropServices;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>Layout of <c>struct mosquitto_message</c>; owned by the library, valid only inside the callback.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MosquittoMessage
{
    public int MessageId;
    public nint Topic;
    public nint Payload;
    public int PayloadLength;
    public int Qos;
    [MarshalAs(UnmanagedType.U1)]
    public bool Retain;
}
