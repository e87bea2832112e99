using System.Text;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>
/// Issue 13 item 5: an input handler returns a task that completes when the message is durable (a group commit).
/// The client keeps reading and calling the handler while earlier tasks run, holds the PUBACKs meanwhile, and sends
/// them in arrival order; a task that fails refuses its message and everything not yet acknowledged.
/// The scripted broker shows the PUBACKs on the wire; mosquitto shows what a real broker keeps and redelivers.
/// </summary>
public sealed class ModuleClientPipelinedAckTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;

    [Fact]
    public async Task HeldTasks_CompletedOutOfOrder_HandlersRunConcurrentlyAndPubAcksLeaveInArrivalOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        const int count = 20;
        await using var broker = new ScriptedMqttBroker();
        var handler = new ControlledHandler(count);
        var options = ClientFactory.Options(broker.Port);
        await using var client = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync("in", handler.HandleAsync, ct));
        await client.WaitForInputsSubscribedAsync(ct).WaitAsync(TestTimeouts.Signal, ct);

        var topic = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";
        for (var i = 1; i <= count; i++)
        {
            await broker.PublishToClientAsync(topic, Encoding.UTF8.GetBytes("m" + i), i);
        }

        // Every handler was called before any task completed: the waits overlap instead of running one by one.
        await handler.AllCalled.WaitAsync(TestTimeouts.Signal, ct);
        Assert.Equal(count, handler.MaxPending);
        Assert.Equal(Enumerable.Range(1, count).Select(i => "m" + i), handler.Arrivals);
        Assert.False(broker.TryTakePubAck(out _));
        Assert.Equal(new InputProgress(count, 0), client.InputProgress); // what the watchdog sees: all held, none settled

        // Completed last to first: nothing may be acknowledged before m1, then all of them in arrival order.
        for (var i = count; i >= 1; i--)
        {
            handler.Complete("m" + i);
        }

        var acknowledged = new List<int>();
        for (var i = 0; i < count; i++)
        {
            acknowledged.Add(await broker.NextPubAckAsync());
        }

        Assert.Equal(Enumerable.Range(1, count), acknowledged);
        Assert.Equal(0, client.InputProgress.Pending);
        Assert.Equal(count, client.InputProgress.Settled);
    }

    [Fact]
    public async Task HeldTasks_AtMaxPendingInputs_StopsReadingUntilTheyAreDone()
    {
        var ct = TestContext.Current.CancellationToken;
        const int bound = 4;
        await using var broker = new ScriptedMqttBroker();
        var handler = new ControlledHandler(bound);
        var defaults = ClientFactory.Options(broker.Port);
        var options = new ModuleClientOptions
        {
            DeviceId = defaults.DeviceId,
            ModuleId = defaults.ModuleId,
            Host = defaults.Host,
            Port = defaults.Port,
            ReconnectMinDelay = defaults.ReconnectMinDelay,
            ReconnectMaxDelay = defaults.ReconnectMaxDelay,
            MaxPendingInputs = bound,
        };
        await using var client = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync("in", handler.HandleAsync, ct));
        await client.WaitForInputsSubscribedAsync(ct).WaitAsync(TestTimeouts.Signal, ct);

        var topic = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";
        for (var i = 1; i <= 3 * bound; i++)
        {
            await broker.PublishToClientAsync(topic, Encoding.UTF8.GetBytes("m" + i), i);
        }

        for (var group = 0; group < 3; group++)
        {
            await handler.AllCalled.WaitAsync(TestTimeouts.Signal, ct);
            Assert.Equal(bound * (group + 1), handler.Arrivals.Count);
            var next = handler.Expect(bound);
            for (var i = bound; i >= 1; i--)
            {
                handler.Complete("m" + ((group * bound) + i));
            }

            for (var i = 1; i <= bound; i++)
            {
                Assert.Equal((group * bound) + i, await broker.NextPubAckAsync());
            }

            handler.AllCalled = next;
        }

        Assert.Equal(bound, handler.MaxPending);
    }

    [Fact]
    public async Task HeldTasks_AllCompleted_AcknowledgedSoNothingIsRedeliveredAfterReopen()
    {
        var ct = TestContext.Current.CancellationToken;
        const int count = 50;
        var options = ClientFactory.Options(_broker.Port);
        var handler = new ControlledHandler(count);
        var prefix = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";
        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        await using (var client = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync("in", handler.HandleAsync, ct)))
        {
            for (var i = 0; i < count; i++)
            {
                await producer.PublishAsync(prefix, "m" + i);
            }

            await handler.AllCalled.WaitAsync(TestTimeouts.Signal, ct);
            Assert.True(handler.MaxPending > 1, $"at most {handler.MaxPending} handler task(s) pending at once");
            foreach (var i in Enumerable.Range(0, count).OrderBy(i => (i * 37) % count))
            {
                handler.Complete("m" + i);
            }

            // A publish queued now leaves after the held PUBACKs; the broker's PUBACK for it means it has read them
            // all. (Without this, reopening under the same client id at once could take the session over before
            // the broker has read the PUBACKs still in the first connection's socket, and it would drop them.)
            await client.SendEventAsync("out", new Message(new byte[1]), ct).WaitAsync(TestTimeouts.Signal, ct);
        }

        // Had any PUBACK stayed unwritten, the persistent session would hand that message over again before "after".
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var reopened = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync(
            "in", (message, _) => { first.TrySetResult(Encoding.UTF8.GetString(message.Body.Span)); return Task.CompletedTask; }, ct));
        await producer.PublishAsync(prefix, "after");
        Assert.Equal("after", await first.Task.WaitAsync(TestTimeouts.Signal, ct));
    }

    [Fact]
    public async Task HeldTask_FaultsAfterEarlierOnesCompleted_ItAndEverythingUnacknowledgedRedeliveredInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = ClientFactory.Options(_broker.Port);
        var firstPass = new ControlledHandler(5);
        var secondPass = new List<string>();
        var redelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var client = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync("in", (message, token) =>
        {
            if (Interlocked.Increment(ref calls) <= 5)
            {
                return firstPass.HandleAsync(message, token);
            }

            lock (secondPass)
            {
                secondPass.Add(Encoding.UTF8.GetString(message.Body.Span));
                if (secondPass.Count == 5)
                {
                    redelivered.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }, ct));

        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        var prefix = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";
        for (var i = 0; i < 5; i++)
        {
            await producer.PublishAsync(prefix, "m" + i);
        }

        await firstPass.AllCalled.WaitAsync(TestTimeouts.Signal, ct);
        firstPass.Complete("m0");
        firstPass.Complete("m1");
        firstPass.Fail("m2", new IOException("the journal could not be flushed"));
        firstPass.Complete("m3");
        firstPass.Complete("m4");

        // m0 and m1 were durable but their PUBACKs sat behind m2's in libmosquitto's queue: at-least-once, in order.
        await redelivered.Task.WaitAsync(TestTimeouts.Signal, ct);
        lock (secondPass)
        {
            Assert.Equal(["m0", "m1", "m2", "m3", "m4"], secondPass);
        }
    }

    [Fact]
    public async Task HeldTask_StillRunningAfterInputHandlerTimeout_MessageRefusedAndRedelivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var defaults = ClientFactory.Options(_broker.Port);
        var options = new ModuleClientOptions
        {
            DeviceId = defaults.DeviceId,
            ModuleId = defaults.ModuleId,
            Host = defaults.Host,
            Port = defaults.Port,
            ReconnectMinDelay = defaults.ReconnectMinDelay,
            ReconnectMaxDelay = defaults.ReconnectMaxDelay,
            InputHandlerTimeout = TimeSpan.FromMilliseconds(200),
        };
        var stuck = new TaskCompletionSource();
        var calls = 0;
        var redelivered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync("in", (message, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                return stuck.Task;
            }

            redelivered.TrySetResult(Encoding.UTF8.GetString(message.Body.Span));
            return Task.CompletedTask;
        }, ct));

        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        await producer.PublishAsync($"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/", "slow");

        // The task never completes: after the timeout the message is refused, not acknowledged, and comes back.
        Assert.Equal("slow", await redelivered.Task.WaitAsync(TestTimeouts.Signal, ct));
        stuck.SetResult();
    }

    /// <summary>An input handler whose tasks the test completes, counting how many are pending at once.</summary>
    private sealed class ControlledHandler
    {
        private readonly Dictionary<string, TaskCompletionSource> _tasks = [];
        private readonly List<string> _arrivals = [];
        private int _expected;
        private int _pending;

        public ControlledHandler(int expected) => AllCalled = Expect(expected);

        /// <summary>Completes once the expected number of further calls arrived.</summary>
        public Task AllCalled { get; set; }

        public int MaxPending { get; private set; }

        public List<string> Arrivals
        {
            get
            {
                lock (_tasks)
                {
                    return [.. _arrivals];
                }
            }
        }

        private TaskCompletionSource? Signal { get; set; }

        public Task Expect(int more)
        {
            lock (_tasks)
            {
                _expected = _arrivals.Count + more;
                Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return Signal.Task;
            }
        }

        public Task HandleAsync(Message message, CancellationToken cancellationToken)
        {
            var body = Encoding.UTF8.GetString(message.Body.Span);
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_tasks)
            {
                _tasks[body] = completion;
                _arrivals.Add(body);
                MaxPending = Math.Max(MaxPending, ++_pending);
                if (_arrivals.Count == _expected)
                {
                    Signal!.TrySetResult();
                }
            }

            return completion.Task;
        }

        public void Complete(string body) => Take(body).SetResult();

        public void Fail(string body, Exception error) => Take(body).SetException(error);

        private TaskCompletionSource Take(string body)
        {
            lock (_tasks)
            {
                _pending--;
                return _tasks[body];
            }
        }
    }
}
