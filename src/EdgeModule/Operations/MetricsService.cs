using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace EdgeModule.Operations;

/// <summary>
/// Serves <see cref="ModuleMetrics"/> as Prometheus text on <c>http://{MetricsHost}:{MetricsPort}/metrics</c> with
/// prometheus-net's own HttpListener server (no ASP.NET Core). Registered after the store's services, so it stops
/// before the store closes and a scrape never reads a closed store. A port that cannot be bound stops the start.
/// </summary>
public sealed class MetricsService(OperationsOptions options, ModuleMetrics metrics, ILogger<MetricsService> logger) : IHostedService, IDisposable
{
    private MetricServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.MetricsPort == 0)
        {
            OperationsLog.MetricsOff(logger);
            return Task.CompletedTask;
        }

        var server = new MetricServer(options.MetricsHost, options.MetricsPort, "metrics/", metrics.Registry);
        try
        {
            server.Start();
        }
        catch (System.Net.HttpListenerException ex)
        {
            server.Dispose();
            throw new ModuleStartException($"Cannot serve metrics on port {options.MetricsPort} (MetricsPort; 0 turns them off): {ex.Message}", ex);
        }

        _server = server;
        OperationsLog.MetricsServing(logger, options.MetricsHost, options.MetricsPort, metrics.Prefix);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _server?.Dispose();
}
