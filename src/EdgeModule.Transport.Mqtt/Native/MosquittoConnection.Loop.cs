using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeModule.Transport.Mqtt.Native;

/// <summary>
/// The network thread. Until the CONNACK it runs <c>mosquitto_loop</c> (connect, TLS handshake, CONNACK). Once the
/// broker accepted, it runs its own rounds from libmosquitto's external-loop functions, because
/// <c>mosquitto_loop</c> costs several system calls per message on a busy connection:
/// <list type="bullet">
/// <item>it reads one packet per <c>pselect</c> round when nothing of ours is in flight (the inputs connection: one
/// select per incoming message);</item>
/// <item>every packet libmosquitto queues (each PUBACK we send, each PUBLISH) writes a byte to an internal socket pair
/// to wake the select, and each round reads back one byte: a burst of N packets costs N rounds of select + read.</item>
/// </list>
/// A round here: <c>poll</c> the socket (and our eventfd, the wake-up for packets queued by other threads), then
/// <c>mosquitto_loop_read</c> until the socket would block (bounded by <see cref="ReadBurst"/>), each read followed by
/// a <c>mosquitto_loop_write</c> of what is queued (the PUBACK of the message just handled: its callback has returned,
/// so it is stored), then <c>mosquitto_loop_misc</c> (keepalive). The socket pair is never read: its
/// writes fail with EAGAIN once its buffer is full, which costs nothing more than writing it.
/// <para>The acknowledgement rule is unchanged: a PUBACK is only queued by libmosquitto (threaded mode) and written by
/// this thread after the message callback returned; a rejection shuts the socket inside the callback, so the next
/// read fails and the round returns before any write.</para>
/// </summary>
internal sealed unsafe partial class MosquittoConnection
{
    /// <summary>At most this many loop_read calls per round, so PUBACKs of a long burst are not held back.</summary>
    private const int ReadBurst = 64;

    /// <summary>MOSQ_ERR_NO_CONN.</summary>
    internal const int MosqErrNoConn = 4;

    private readonly SafeFileHandle _wakeUp;
    private int _loopSleeping;
    private volatile bool _accepted;

    // Network thread only: inside Round, where the writes are ours to hold back.
    private bool _inRound;

    // Any thread sets it (Disconnect); the network thread queues the DISCONNECT between reads and then reads no more.
    private volatile bool _disconnectRequested;
    private bool _disconnecting;

    private static SafeFileHandle CreateWakeUp()
    {
        var fd = LibcMethods.EventFd(0, LibcMethods.EventFdFlags);
        return fd >= 0
            ? new SafeFileHandle(fd, ownsHandle: true)
            : throw new MqttTransportException($"eventfd() failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    private void RunLoop()
    {
        while (!_disposed)
        {
            if (!_socketActive.Wait(LoopTimeoutMs) || _disposed)
            {
                continue;
            }

            int rc;
            if (_accepted)
            {
                _inRound = true;
                try
                {
                    rc = Round();
                }
                finally
                {
                    _inRound = false;
                }
            }
            else
            {
                // Also when the CONNACK and the first messages come in one read: libmosquitto writes its queue
                // itself before returning, so nothing may be held in this call (see CanHoldAcknowledgements).
                rc = NativeMethods.mosquitto_loop(_handle, LoopTimeoutMs, 1);
            }

            FlushAcknowledged();
            if (rc != 0 || _disconnectSeen)
            {
                // Stop calling into the library before anyone may reconnect.
                _accepted = false;
                _socketActive.Reset();
                _disconnectSeen = false;
                _disconnectRequested = false;
                _disconnecting = false;
                SignalLost(rc == MosqErrNoConn ? _disconnectCode : rc);
            }
        }
    }

    /// <summary>Network thread, from the CONNACK callback: an accepted connection switches to <see cref="Round"/>.</summary>
    private void OnAccepted() => _accepted = true;

    /// <summary>One round of the loop for an established connection; returns a MOSQ_ERR_* code (0 = go on).</summary>
    private int Round()
    {
        var socket = NativeMethods.mosquitto_socket(_handle);
        if (socket < 0)
        {
            return MosqErrNoConn;
        }

        StartRound();
        DisconnectIfRequested();
        var wakeUp = (int)_wakeUp.DangerousGetHandle();
        var fds = stackalloc LibcMethods.PollFd[2];

        // Sleeping is announced before looking at the queue and the held acknowledgements (both full fences): a packet
        // queued or a hold released after the look finds the flag set and writes the eventfd; one before it is seen
        // here. While acknowledgements are held the socket is not polled for writing (nothing may be written), and at
        // their bound not for reading either; errors and hang-ups are reported anyway.
        Interlocked.Exchange(ref _loopSleeping, 1);
        var events = (MayRead && !_disconnecting ? LibcMethods.PollIn : 0) | (MayWrite && NativeMethods.mosquitto_want_write(_handle) ? LibcMethods.PollOut : 0);
        fds[0] = new LibcMethods.PollFd { Fd = socket, Events = (short)events };
        fds[1] = new LibcMethods.PollFd { Fd = wakeUp, Events = LibcMethods.PollIn };
        var ready = LibcMethods.Poll(fds, 2, LoopTimeoutMs);
        Interlocked.Exchange(ref _loopSleeping, 0);
        if (ready < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == LibcMethods.EIntr ? 0 : throw new MqttTransportException($"poll() failed (errno {errno}).");
        }

        if ((fds[1].Revents & LibcMethods.PollIn) != 0)
        {
            ulong count;
            _ = LibcMethods.Read(wakeUp, &count, sizeof(ulong));
        }

        // A DISCONNECT asked for during the poll is queued now, behind the PUBACKs of everything handled, before any read.
        DisconnectIfRequested();

        // PUBACKs released since the last round leave before anything more is read: a message read now may be held,
        // and would hold them (and the whole queue) behind it.
        var released = WriteQueued();
        if (released != 0 || _disconnectSeen)
        {
            return released;
        }

        if (!_disconnecting && (fds[0].Revents & (LibcMethods.PollIn | LibcMethods.PollErr | LibcMethods.PollHup)) != 0)
        {
            for (var i = 0; i < ReadBurst && (i == 0 || MayRead); i++)
            {
                var rc = NativeMethods.mosquitto_loop_read(_handle, 1);
                if (rc != 0)
                {
                    return rc;
                }

                // EAGAIN: the socket is drained (a callback may leave a stale EAGAIN too: then the next poll says so).
                var drained = Marshal.GetLastPInvokeError() == LibcMethods.EAgain;
                if (_disconnectSeen)
                {
                    return 0;
                }

                // The PUBACKs of what was just stored leave before the next message is handled: if that one is
                // rejected (socket shut in the callback), the stored ones must not be redelivered and stored again.
                // libmosquitto writes each packet with its own write(), so this costs no extra system call. (Not
                // while acknowledgements are held: see MosquittoConnection.Acknowledgements.)
                rc = WriteQueued();
                if (rc != 0 || _disconnectSeen)
                {
                    return rc;
                }

                if (drained)
                {
                    break;
                }
            }
        }

        if (_disconnectSeen)
        {
            return 0;
        }

        var written = WriteQueued();
        if (written != 0 || _disconnectSeen)
        {
            return written;
        }

        return NativeMethods.mosquitto_loop_misc(_handle);
    }

    /// <summary>Network thread, between reads: queues the DISCONNECT <see cref="Disconnect"/> asked for; nothing is read after it.</summary>
    private void DisconnectIfRequested()
    {
        if (_disconnectRequested && !_disconnecting)
        {
            _disconnecting = true;
            _ = NativeMethods.mosquitto_disconnect(_handle);
        }
    }

    /// <summary>
    /// Writes what libmosquitto has queued, if anything and if no acknowledgement is held; a MOSQ_ERR_* code (0 = fine,
    /// nothing to write, or not now).
    /// </summary>
    private int WriteQueued()
    {
        if (!MayWrite)
        {
            return 0;
        }

        WroteQueue();
        return NativeMethods.mosquitto_want_write(_handle) ? NativeMethods.mosquitto_loop_write(_handle, 1) : 0;
    }

    /// <summary>Any thread, after queueing a packet: wakes the loop if it sleeps in <c>poll</c> (one write per sleep, not per packet).</summary>
    private void WakeLoop()
    {
        if (Interlocked.Exchange(ref _loopSleeping, 0) != 1)
        {
            return;
        }

        // Held while writing, so a concurrent Dispose cannot close the descriptor (and another file take its number).
        var held = false;
        try
        {
            _wakeUp.DangerousAddRef(ref held);
            ulong one = 1;
            _ = LibcMethods.Write((int)_wakeUp.DangerousGetHandle(), &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: the loop is gone.
        }
        finally
        {
            if (held)
            {
                _wakeUp.DangerousRelease();
            }
        }
    }
}
