using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>
/// An MQTT 3.1.1 server on loopback (plain TCP, one connection at a time) for tests that must see the wire: it accepts
/// CONNECT and SUBSCRIBE, answers PINGREQ, and hands every PUBLISH to the test, which decides when to PUBACK it. A real
/// broker acknowledges at once, so it cannot show how many publishes a client keeps in flight. <see cref="Drop"/>
/// closes the connection (the client sees it lost) and the next one is accepted. It can also publish to the client
/// (<see cref="PublishToClientAsync"/>) and shows the client's PUBACKs in the order they came (<see cref="NextPubAckAsync"/>).
/// </summary>
internal sealed class ScriptedMqttBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<(string Topic, int Qos, int PacketId)> _publishes = Channel.CreateUnbounded<(string, int, int)>();
    private readonly Channel<int> _pubAcks = Channel.CreateUnbounded<int>();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _serve;
    private volatile Socket? _socket;

    public ScriptedMqttBroker()
    {
        _listener.Start();
        _serve = ServeAsync(_stop.Token);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task<(string Topic, int Qos, int PacketId)> NextPublishAsync()
    {
        using var bound = new CancellationTokenSource(TestTimeouts.Signal);
        return await _publishes.Reader.ReadAsync(bound.Token);
    }

    /// <summary>The packet id of the client's next PUBACK, in the order they arrived.</summary>
    public async Task<int> NextPubAckAsync()
    {
        using var bound = new CancellationTokenSource(TestTimeouts.Signal);
        return await _pubAcks.Reader.ReadAsync(bound.Token);
    }

    public bool TryTakePubAck(out int packetId) => _pubAcks.Reader.TryRead(out packetId);

    /// <summary>Sends a QoS 1 PUBLISH to the client.</summary>
    public Task PublishToClientAsync(string topic, byte[] payload, int packetId)
    {
        var name = Encoding.UTF8.GetBytes(topic);
        var remaining = 2 + name.Length + 2 + payload.Length;
        var packet = new List<byte> { 0x32 };
        do
        {
            var digit = (byte)(remaining % 128);
            remaining /= 128;
            packet.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remaining > 0);

        packet.AddRange([(byte)(name.Length >> 8), (byte)name.Length]);
        packet.AddRange(name);
        packet.AddRange([(byte)(packetId >> 8), (byte)packetId]);
        packet.AddRange(payload);
        return WriteAsync([.. packet]);
    }

    public Task PubAckAsync(int packetId) => WriteAsync([0x40, 0x02, (byte)(packetId >> 8), (byte)packetId]);

    /// <summary>Closes the current connection at once, as a crashed broker would.</summary>
    public void Drop() => _socket?.Close();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _socket?.Dispose();
        await _serve.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
        _writeLock.Dispose();
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var socket = await _listener.AcceptSocketAsync(cancellationToken);
            _socket = socket;
            try
            {
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await ServeConnectionAsync(stream, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException or SocketException)
            {
                // Dropped by the test or closed by the client: accept the next connection.
            }
        }
    }

    private async Task ServeConnectionAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var header = new byte[1];
            await stream.ReadExactlyAsync(header, cancellationToken);
            var body = new byte[await ReadRemainingLengthAsync(stream, cancellationToken)];
            await stream.ReadExactlyAsync(body, cancellationToken);
            switch (header[0] >> 4)
            {
                case 1: // CONNECT → CONNACK accepted, no session present
                    await WriteAsync([0x20, 0x02, 0x00, 0x00]);
                    break;
                case 3: // PUBLISH
                    var topicLength = (body[0] << 8) | body[1];
                    var qos = (header[0] >> 1) & 0x03;
                    var packetId = qos > 0 ? (body[2 + topicLength] << 8) | body[3 + topicLength] : 0;
                    await _publishes.Writer.WriteAsync((Encoding.UTF8.GetString(body, 2, topicLength), qos, packetId), cancellationToken);
                    break;
                case 4: // PUBACK from the client
                    await _pubAcks.Writer.WriteAsync((body[0] << 8) | body[1], cancellationToken);
                    break;
                case 8: // SUBSCRIBE (libmosquitto sends one filter per packet) → SUBACK granting QoS 1
                    await WriteAsync([0x90, 0x03, body[0], body[1], 0x01]);
                    break;
                case 12: // PINGREQ → PINGRESP
                    await WriteAsync([0xD0, 0x00]);
                    break;
                case 14: // DISCONNECT
                    return;
            }
        }
    }

    private static async Task<int> ReadRemainingLengthAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var length = 0;
        var one = new byte[1];
        for (var shift = 0; shift < 28; shift += 7)
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            length |= (one[0] & 0x7F) << shift;
            if ((one[0] & 0x80) == 0)
            {
                break;
            }
        }

        return length;
    }

    private async Task WriteAsync(byte[] packet)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _socket!.SendAsync(new ReadOnlyMemory<byte>(packet));
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
