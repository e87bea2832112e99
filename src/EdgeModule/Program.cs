using EdgeModule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Startup order: validate settings (fail fast, one line naming the variable) → open the store → (later stages:
// restore, pump, transport). The generic host stops services in reverse order on SIGTERM / Ctrl-C.
StorageSettings storage;
try
{
    storage = StorageSettings.FromEnvironment(new EnvironmentReader(Environment.GetEnvironmentVariables()));
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync($"<3> {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fff zzz} [ERR] - {e.Message}");
    return 2;
}

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(storage);
builder.Services.AddSingleton<StoreService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StoreService>());
using var host = builder.Build();
await host.RunAsync();
return 0;
