using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeModule.Transport.Mqtt;

namespace EdgeModule.Journal.Host.Bench;

/// <summary>
/// A ModuleClient publishing QoS 1 to a module's input1 on the receiving broker. The acknowledgement it sees is the
/// broker's PUBACK (the module's own comes later, when the broker delivered the message to it).
/// </summary>
internal sealed class Producer : IAsyncDisposable
{
    private readonly ModuleClient _client;

    private Producer(ModuleClient client) => _client = client;

    public static async Task<Producer> ConnectAsync(int port, string name, int inflight)
    {
        var client = new ModuleClient(new ModuleClientOptions
        {
            DeviceId = BenchContext.DeviceId,
            ModuleId = name,
            Host = "127.0.0.1",
            Port = port,
            CleanSession = true,
            MaxInflightMessages = inflight,
            MaxMessageSize = 1 << 20,
        });
        await client.OpenAsync(CancellationToken.None);
        return new Producer(client);
    }

    /// <summary>
    /// Messages 0..count-1 as fast as the broker acknowledges them, at most <paramref name="window"/> outstanding (a
    /// sliding window: each PUBACK lets the next one go). Returns when every PUBACK came.
    /// </summary>
    public async Task BurstAsync(string module, int count, Func<int, byte[]> body, int window)
    {
        using var slots = new SemaphoreSlim(window);
        var outstanding = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            if (!await slots.WaitAsync(TimeSpan.FromMinutes(5)))
            {
                throw new TimeoutException($"no PUBACK for 5 minutes after {i} messages");
            }

            outstanding.Add(Send(module, i, body(i)).ContinueWith(t =>
            {
                slots.Release();
                t.GetAwaiter().GetResult();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
        }

        await Task.WhenAll(outstanding).WaitAsync(TimeSpan.FromMinutes(5));
    }

    /// <summary>
    /// <paramref name="rate"/> messages a second (numbered from <paramref name="first"/>, paced on a 5 ms timer against
    /// the elapsed time, so a late tick catches up) until <paramref name="stop"/>; each PUBACK time-stamped on
    /// <paramref name="clock"/> into <paramref name="acked"/> when given. Returns how many were sent; waits for their PUBACKs.
    /// </summary>
    public async Task<int> SteadyAsync(string module, int rate, int first, Func<int, byte[]> body, CancellationToken stop,
        Stopwatch? clock = null, ConcurrentDictionary<int, TimeSpan>? acked = null)
    {
        var outstanding = new List<Task>();
        var started = Stopwatch.GetTimestamp();
        var sent = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var due = (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate);
                for (; sent < due; sent++)
                {
                    var n = first + sent;
                    var send = Send(module, n, body(n));
                    if (acked is not null && clock is not null)
                    {
                        send = send.ContinueWith(t => acked[n] = clock.Elapsed, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                    }

                    outstanding.Add(send);
                }

                if (outstanding.Count > 4096)
                {
                    outstanding.RemoveAll(t => t.IsCompleted);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The load's end.
        }

        await Task.WhenAll(outstanding).WaitAsync(TimeSpan.FromMinutes(2));
        return sent;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private Task Send(string module, int n, byte[] body) =>
        _client.SendToInputAsync(module, "input1", new Message(body) { MessageId = n.ToString(System.Globalization.CultureInfo.InvariantCulture) }, CancellationToken.None);
}
