using System.Text;
using EdgeModule.Transport.Mqtt.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Transport.Mqtt.Tests;

/// <summary>
/// Issue 11 defect 3: a send-only client (the module's upstream) never subscribes to inputs, and a message that
/// reaches a client with no handler for its input is never acknowledged, so the inputs client still gets it.
/// </summary>
public sealed class ModuleClientInputRoleTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private readonly MosquittoBroker _broker = fixture.Broker;

    [Fact]
    public async Task NoHandler_MessagesOfTheInputsSessionReachAnotherClient_NotAcknowledgedAndDeliveredLater()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = ClientFactory.Options(_broker.Port);
        var prefix = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/input1/";

        // The inputs client leaves a persistent session subscribed to its inputs; messages wait in it.
        await (await ClientFactory.OpenAsync(options, c => c.SetMessageHandlerAsync((_, _) => Task.CompletedTask, ct))).DisposeAsync();
        using (var producer = await RawMqttClient.ConnectAsync(_broker.Port))
        {
            foreach (var body in new[] { "m0", "m1", "m2" })
            {
                await producer.PublishAsync(prefix, body);
            }
        }

        // A client without input handlers takes that session (same client id, as the upstream client did): the
        // broker hands it the queued messages right after CONNACK. It must not acknowledge them. (It aborts each
        // connection before its subscriptions are confirmed, so its open does not complete: not awaited.)
        var noHandler = new EventSignal(4012);
        await using (var stray = new ModuleClient(options.WithSubscribeToInputs(false), noHandler))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var open = stray.OpenAsync(stop.Token);
            await noHandler.Seen.WaitAsync(TestTimeouts.Signal, ct);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => open);
        }

        var seen = new List<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var inputs = await ClientFactory.OpenAsync(options, c => c.SetMessageHandlerAsync((message, _) =>
        {
            lock (seen)
            {
                seen.Add(Encoding.UTF8.GetString(message.Body.Span));
                if (seen.Distinct().Count() == 3)
                {
                    all.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }, ct));

        await all.Task.WaitAsync(TestTimeouts.Signal, ct);
        lock (seen)
        {
            Assert.Equal(["m0", "m1", "m2"], seen.Distinct());
        }
    }

    [Fact]
    public async Task SubscribeToInputsFalse_SettingAHandlerThrowsAndTheSessionHoldsNoInputSubscription()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = ClientFactory.Options(_broker.Port);
        var prefix = $"devices/{options.DeviceId}/modules/{options.ModuleId}/inputs/in/";

        await using (var sender = await ClientFactory.OpenAsync(options.WithSubscribeToInputs(false)))
        {
            Assert.False(sender.Options.SubscribeToInputs);
            await Assert.ThrowsAsync<InvalidOperationException>(() => sender.SetMessageHandlerAsync((_, _) => Task.CompletedTask, ct));
            await Assert.ThrowsAsync<InvalidOperationException>(() => sender.SetInputMessageHandlerAsync("in", (_, _) => Task.CompletedTask, ct));
        }

        // Had the send-only client subscribed, its persistent session would queue "before" for the next holder of
        // the client id, who would get it first, ahead of "after".
        using var producer = await RawMqttClient.ConnectAsync(_broker.Port);
        await producer.PublishAsync(prefix, "before");
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var inputs = await ClientFactory.OpenAsync(options, c => c.SetInputMessageHandlerAsync(
            "in", (message, _) => { first.TrySetResult(Encoding.UTF8.GetString(message.Body.Span)); return Task.CompletedTask; }, ct));
        await producer.PublishAsync(prefix, "after");

        Assert.Equal("after", await first.Task.WaitAsync(TestTimeouts.Signal, ct));
    }

    [Fact]
    public void WithSubscribeToInputs_CopiesEverySetting()
    {
        var options = ClientFactory.Options(1883);
        var copy = options.WithSubscribeToInputs(false);

        Assert.True(options.SubscribeToInputs);
        Assert.False(copy.SubscribeToInputs);
        Assert.Equal(options.EffectiveClientId, copy.EffectiveClientId);
        Assert.Equal(options.ReconnectMinDelay, copy.ReconnectMinDelay);
        Assert.Equal(options.OperationTimeout, copy.OperationTimeout);
        Assert.Equal(options.MaxInflightMessages, copy.MaxInflightMessages);
    }

    /// <summary>A logger factory that completes <see cref="Seen"/> when an event with the given id is logged.</summary>
    private sealed class EventSignal(int wanted) : ILoggerFactory, ILogger
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == wanted)
            {
                _seen.TrySetResult();
            }
        }

        public void Dispose()
        {
        }
    }
}
