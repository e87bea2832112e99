using EdgeModule.Messaging;
using EdgeModule.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeModule.Store;

/// <summary>
/// Registered first, so it stops last: closes the message store and the store once everything else has stopped (the
/// backup included), and says so. The container disposes them again at the end, which does nothing.
/// </summary>
public sealed partial class StoreCloseService(MessageStore messages, IKeyValueStore store, ILogger<StoreCloseService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        messages.Dispose();
        store.Dispose();
        LogClosed(logger);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Store closed.")]
    private static partial void LogClosed(ILogger logger);
}
