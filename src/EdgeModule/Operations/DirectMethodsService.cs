using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Operations;

/// <summary>
/// Registers <see cref="DirectMethods"/> on the inputs connection (registered after the transport, so it starts once
/// the inputs client exists) and, at stop (before the shutdown backup), cancels the running tasks and waits for them.
/// </summary>
public sealed class DirectMethodsService(DirectMethods methods, SnapshotTasks tasks, ModuleClients clients, ILogger<DirectMethodsService> logger)
    : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await tasks.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var (name, method) in methods.Methods)
            {
                await clients.Inputs.SetMethodHandlerAsync(name, methods.Handler(name, method), stoppingToken).ConfigureAwait(false);
            }

            OperationsLog.MethodsReady(logger, string.Join(", ", methods.Methods.Keys));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before the subscription was made.
        }
    }
}
