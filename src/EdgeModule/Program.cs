using EdgeModule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

// Startup order: validate settings (fail fast, one line naming the variable) → open the store → (later stages:
// restore, pump, transport). The generic host stops services in reverse order on SIGTERM / Ctrl-C.
StorageSettings storage;
Serilog.Events.LogEventLevel level;
try
{
    var env = new EnvironmentReader(Environment.GetEnvironmentVariables());
    level = ModuleLogging.ParseLevel(env);
    storage = StorageSettings.FromEnvironment(env);
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(ModuleLogging.StartupError(e.Message));
    return 2;
}

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSerilog(ModuleLogging.CreateLogger(level), dispose: true);
builder.Services.AddSingleton(storage);
builder.Services.AddSingleton<StoreService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreService>());
using var host = builder.Build();
await host.RunAsync();
return 0;
