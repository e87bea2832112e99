using EdgeModule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

// Lifecycle (docs/module.md). Start, in registration order: validate every setting (fail fast, one line naming the
// variable) → open the store → restore into it and open the message store → start the pump → accept messages on the
// inputs last → (optional) simulated sensor. Stop, in reverse order, within ShutdownWaitPeriod: the sensor stops →
// the inputs stop accepting → the pump stops with its checkpoints committed → the backup gets what time remains →
// the store closes. The module exits by itself; the exit code is non-zero when the backup (or the start) failed.
if (args is ["verify", .. var backups])
{
    return BackupInspector.Run(backups, Console.Out);
}

ModuleSettings settings;
Serilog.Events.LogEventLevel level;
try
{
    var variables = Environment.GetEnvironmentVariables();
    level = ModuleLogging.ParseLevel(new EnvironmentReader(variables));
    settings = ModuleSettings.FromEnvironment(variables);
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(ModuleLogging.StartupError(e.Message));
    return 2;
}

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSerilog(ModuleLogging.CreateLogger(level), dispose: true);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownWaitPeriod);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(settings.Storage);
builder.Services.AddSingleton(settings.Transport);
builder.Services.AddSingleton<ModuleExitCode>();
builder.Services.AddSingleton<FlowCounters>();
builder.Services.AddSingleton<ShutdownDeadline>();
builder.Services.AddSingleton<ModuleClients>();

// Hosted services start in this order and stop in the reverse one.
builder.Services.AddSingleton<StoreService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreService>());
builder.Services.AddSingleton<MessageStoreService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MessageStoreService>());
builder.Services.AddHostedService<PumpService>();
builder.Services.AddHostedService<TransportService>();
builder.Services.AddHostedService<SimulatedSensorService>();

using var host = builder.Build();
var exitCode = host.Services.GetRequiredService<ModuleExitCode>();

// Created now so that it sees ApplicationStopping, the moment shutdown begins, from which the deadline counts.
_ = host.Services.GetRequiredService<ShutdownDeadline>();
try
{
    await host.RunAsync();
}
#pragma warning disable CA1031 // The last stop: whatever failed the start is logged once, with a non-zero exit code.
catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
{
    EdgeModule.Log.StartFailed(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeModule"), e);
    exitCode.Fail(ModuleExitCode.StartFailed);
}

return exitCode.Value;
