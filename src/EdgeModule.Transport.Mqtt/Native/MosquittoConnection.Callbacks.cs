using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// The native callbacks. Each is an [UnmanagedCallersOnly] entry point: an exception crossing into C would tear the
/// process down, so every body catches everything and logs it.
/// </summary>
internal sealed unsafe partial class MosquittoConnection
{
    private const int SubscriptionRefused = 0x80;

    private volatile bool _disconnectSeen;
    private volatile int _disconnectCode;

    private static MosquittoConnection? FromUserData(nint userData) =>
        userData == 0 ? null : GCHandle.FromIntPtr(userData).Target as MosquittoConnection;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnConnect(nint mosq, nint userData, int rc)
    {
        try
        {
            var self = FromUserData(userData);
            if (self is not null && rc == 0)
            {
                self.OnAccepted();
            }

            self?.Raise(self.ConnackReceived, rc);
        }
        catch (Exception ex)
        {
            ReportCallbackFailure(userData, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnDisconnect(nint mosq, nint userData, int rc)
    {
        // Only recorded here: the loop thread signals once mosquitto_loop has returned.
        try
        {
            var self = FromUserData(userData);
            if (self is not null)
            {
                self._disconnectCode = rc;
                self._disconnectSeen = true;
            }
        }
        catch (Exception ex)
        {
            ReportCallbackFailure(userData, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPublish(nint mosq, nint userData, int messageId)
    {
        try
        {
            FromUserData(userData)?.Acknowledge(messageId, null);
        }
        catch (Exception ex)
        {
            ReportCallbackFailure(userData, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnSubscribe(nint mosq, nint userData, int messageId, int qosCount, int* grantedQos)
    {
        try
        {
            if (FromUserData(userData) is { } self)
            {
                self.Acknowledge(messageId, self.CheckGranted(messageId, qosCount < 1 ? SubscriptionRefused : grantedQos[0]));
            }
        }
        catch (Exception ex)
        {
            ReportCallbackFailure(userData, ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMessage(nint mosq, nint userData, MosquittoMessage* message)
    {
        try
        {
            var self = FromUserData(userData);
            if (self is null)
            {
                return;
            }

            var topic = message->Topic == 0 ? default : MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)message->Topic);
            var payload = new ReadOnlySpan<byte>((void*)message->Payload, message->PayloadLength);
            self.MessageReceived?.Invoke(topic, payload);
        }
        catch (Exception ex)
        {
            ReportCallbackFailure(userData, ex);
        }
    }

    /// <summary>Network thread, from the SUBACK: null when the broker granted the QoS asked, else the error.</summary>
    private MqttTransportException? CheckGranted(int messageId, int granted)
    {
        (string Filter, int Qos) asked;
        lock (_pendingLock)
        {
            if (!_subscriptionsAsked.Remove(messageId, out asked))
            {
                return null;
            }
        }

        return granted == SubscriptionRefused
            ? new MqttTransportException($"The broker refused the subscription to '{asked.Filter}'.")
            : granted < asked.Qos
                ? new MqttTransportException(string.Create(CultureInfo.InvariantCulture,
                    $"The broker granted QoS {granted} for '{asked.Filter}' where {asked.Qos} was asked: unacknowledged messages would not be kept."))
                : null;
    }

    private static void ReportCallbackFailure(nint userData, Exception error)
    {
        try
        {
            var self = FromUserData(userData);
            if (self is not null)
            {
                Log.CallbackFailed(self._logger, self._settings.ClientId, error);
            }
        }
#pragma warning disable CA1031 // Last line of defence: nothing may propagate into native code.
        catch
        {
        }
#pragma warning restore CA1031
    }
}
