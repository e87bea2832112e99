using EdgeModule.Messaging;
using Microsoft.Extensions.Hosting;

namespace EdgeModule.Store;

/// <summary>Removes delivered and expired messages every MessageCleanupIntervalSecs while the module runs.</summary>
public sealed class CleanupService(MessageStore store) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => store.RunCleanupLoopAsync(stoppingToken);
}
