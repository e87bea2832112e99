using System.Globalization;
using EdgeModule.Tests.Hosting;
using EdgeModule.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeModule.Tests.Operations;

/// <summary>
/// The module in process, composed by AddEdgeModule as Program.cs composes it, on a real mosquitto for its inputs
/// (the upstream broker is not running, so what arrives stays queued), with a fake clock and captured logs.
/// </summary>
internal sealed class OperationsHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _started;

    private OperationsHost(ModuleEnvironment env, IHost host, FakeTimeProvider time, LogCapture log)
    {
        Env = env;
        _host = host;
        Time = time;
        Log = log;
    }

    public ModuleEnvironment Env { get; }

    /// <summary>The fake clock (unused by a host on the real clock).</summary>
    public FakeTimeProvider Time { get; }

    public LogCapture Log { get; }

    public IServiceProvider Services => _host.Services;

    public static OperationsHost Create(ModuleEnvironment env, params (string Name, string Value)[] extra) =>
        Create(env, o => o, extra);

    /// <summary>
    /// A host on the real clock: the transport's waits for a connection that never came up run on the injected clock,
    /// so a test that does not move a fake clock past them would wait for ever at stop.
    /// </summary>
    public static OperationsHost CreateOnRealClock(ModuleEnvironment env, params (string Name, string Value)[] extra) =>
        Create(env, o => o, TimeProvider.System, extra);

    /// <summary>A host whose bound options <paramref name="adjust"/> may change (e.g. settings no variable carries).</summary>
    /// <remarks>On the real clock too: a fake one also drives the transport's network waits (CONNACK, goodbye), which
    /// then hold the stop until the host's timeout whenever a connection is still coming up (seen in CI).</remarks>
    public static OperationsHost Create(ModuleEnvironment env, Func<ModuleOptions, ModuleOptions> adjust, params (string Name, string Value)[] extra) =>
        Create(env, adjust, TimeProvider.System, extra);

    private static OperationsHost Create(
        ModuleEnvironment env, Func<ModuleOptions, ModuleOptions> adjust, TimeProvider? clock, (string Name, string Value)[] extra)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(adjust);
        Directory.CreateDirectory(env.BackupFolder);
        var variables = env.Variables(extra: [("CheckpointIntervalMs", "0"), .. extra]);
        var options = adjust(ModuleOptions.Bind(variables.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var log = new LogCapture();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(log);
        builder.Services.AddEdgeModule(options, clock ?? time);
        var host = builder.Build();
        _ = host.Services.GetRequiredService<ShutdownDeadline>();
        return new OperationsHost(env, host, time, log);
    }

    public static int FreePort() => EdgeModule.Tests.Shared.LoopbackPorts.Next();

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async Task StartAsync()
    {
        await _host.StartAsync(TestContext.Current.CancellationToken);
        _started = true;
        await Log.WaitForLineAsync("Accepting messages on inputs");
    }

    public Task StopAsync()
    {
        _started = false;
        return _host.StopAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Publishes messages <paramref name="from"/>..<paramref name="to"/>-1 to input1 and waits for the PUBACKs.</summary>
    public async Task PublishAsync(int from, int to, int padding = 0)
    {
        using var producer = await MqttTestClient.ConnectAsync(Env.Receiving.Port);
        await Env.PublishAsync(producer, from, to, padding);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await StopAsync();
        }

        _host.Dispose();
        Log.Dispose();
    }
}
