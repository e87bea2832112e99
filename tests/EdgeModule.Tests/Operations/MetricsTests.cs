using EdgeModule.Messaging;
using EdgeModule.Operations;
using EdgeModule.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeModule.Tests.Operations;

/// <summary>The metrics endpoint scraped over real HTTP, its values checked against the store.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly ModuleEnvironment _env = new(upstreamRunning: false);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Scrape_AfterMessagesQueued_MatchesTheStore()
    {
        var port = OperationsHost.FreePort();
        await using var host = OperationsHost.Create(_env, ("MetricsPort", OperationsHost.Port(port)), ("MaxStoreSizeBytes", "1000000"));
        await host.StartAsync();
        await host.Log.WaitForLineAsync($"Serving Prometheus metrics on http://\\+:{port}/metrics \\(names prefixed edgemodule_\\)");

        await host.PublishAsync(0, 25, padding: 100);
        var scrape = await MetricsScrape.GetAsync(port);
        var stats = host.Services.GetRequiredService<MessageStore>().GetStats();

        Assert.Equal(25, stats.Received);
        var output = Assert.Single(stats.Endpoints);
        Assert.Equal(25, scrape.Value("edgemodule_queue_length", ("endpoint", "output1")));
        Assert.Equal(output.QueueBytes, scrape.Value("edgemodule_queue_bytes", ("endpoint", "output1")));
        Assert.InRange(scrape.Value("edgemodule_oldest_message_age_seconds", ("endpoint", "output1")), 0, TestTimeouts.Flow.TotalSeconds);
        Assert.Equal(25, scrape.Value("edgemodule_messages_received_total"));
        Assert.Equal(0, scrape.Value("edgemodule_messages_forwarded_total", ("endpoint", "output1")));
        Assert.Equal(stats.MessageBytes, scrape.Value("edgemodule_store_bytes"));
        Assert.Equal(25, scrape.Value("edgemodule_store_messages"));
        Assert.Equal(1000000, scrape.Value("edgemodule_store_max_bytes"));
        Assert.Equal(0, scrape.Value("edgemodule_messages_dropped_total", ("reason", "ttl_expiry")));
        Assert.Equal(0, scrape.Value("edgemodule_messages_dropped_total", ("reason", "no_route")));
        Assert.Equal(0, scrape.Value("edgemodule_messages_dropped_total", ("reason", "too_large")));
        Assert.Equal(0, scrape.Value("edgemodule_messages_refused_total", ("reason", "full")));
        Assert.Equal(0, scrape.Value("edgemodule_upstream_connected"));
        Assert.Equal(0, scrape.Value("edgemodule_store_writes_failing"));
        Assert.Equal(1, scrape.Value("edgemodule_restores_total", ("outcome", "starting_empty")));
        Assert.Equal(0, scrape.Value("edgemodule_restores_total", ("outcome", "restored")));
        Assert.Equal(0, scrape.Value("edgemodule_backup_duration_seconds_count"));
    }

    [Fact]
    public async Task Scrape_MessagesRefusedWhileFull_CountsThemByReason()
    {
        var port = OperationsHost.FreePort();
        await using var host = OperationsHost.CreateOnRealClock(_env, ("MetricsPort", OperationsHost.Port(port)), ("MaxStoreSizeBytes", "3000"));
        await host.StartAsync();

        // Each message is over 1 KB: the third does not fit and is refused (not acknowledged), so publish without waiting.
        using var producer = await MqttTestClient.ConnectAsync(_env.Receiving.Port);
        for (var n = 0; n < 5; n++)
        {
            _ = producer.PublishAsync(_env.Topic(n), ModuleEnvironment.Body(n, padding: 1200));
        }

        await host.Log.WaitForLineAsync("(?i)refus");
        var stats = host.Services.GetRequiredService<MessageStore>().GetStats();
        var scrape = await MetricsScrape.GetAsync(port);
        Assert.True(stats.RefusedFull > 0);
        Assert.True(scrape.Value("edgemodule_messages_refused_total", ("reason", "full")) >= stats.RefusedFull);
        Assert.Equal(stats.MessageCount, scrape.Value("edgemodule_store_messages"));
    }

    [Fact]
    public async Task Scrape_WithTheJournal_ExportsItsFigures()
    {
        var port = OperationsHost.FreePort();
        await using var host = OperationsHost.CreateOnRealClock(_env, ("MetricsPort", OperationsHost.Port(port)), ("CheckpointIntervalMs", "100"));
        await host.StartAsync();
        await host.PublishAsync(0, 10);
        var journal = host.Services.GetRequiredService<EdgeModule.Store.ModuleJournal>().Journal;
        Assert.NotNull(journal);
        await journal.FlushAsync(TestContext.Current.CancellationToken);

        var scrape = await MetricsScrape.GetAsync(port);
        var j = journal.GetStatistics();
        Assert.True(j.FullGenerationBytesWritten > 0);
        Assert.True(j.JournalBytesWritten > 0);
        Assert.Equal(j.FullGenerationBytesWritten, scrape.Value("edgemodule_journal_full_generation_bytes_written_total"));
        Assert.Equal(j.JournalBytesWritten, scrape.Value("edgemodule_journal_bytes_written_total"));
        Assert.Equal(j.Flushes, scrape.Value("edgemodule_journal_flushes_total"));
        Assert.Equal(j.UnprotectedBytes, scrape.Value("edgemodule_journal_unprotected_bytes"));
        Assert.Equal(j.JournalBytesWritten + j.FullGenerationBytesWritten, scrape.Value("edgemodule_backup_bytes_written_total"));
        Assert.True(scrape.Value("edgemodule_journal_flush_seconds_total") >= 0);
    }

    [Fact]
    public async Task Scrape_InIoTEdge_CarriesTheHubDeviceAndModuleLabelsAndTheModulePrefix()
    {
        var port = OperationsHost.FreePort();
        var labels = OperationsOptions.Read(
            new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["IOTEDGE_IOTHUBHOSTNAME"] = "hub.azure-devices.net",
                ["IOTEDGE_DEVICEID"] = "edge-1",
                ["IOTEDGE_MODULEID"] = "Store-And-Forward",
                ["MetricsPort"] = OperationsHost.Port(port),
            }).Build()),
            ModuleOptions.Bind(_env.Variables().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))).Transport);
        Assert.Equal("store_and_forward", labels.MetricsPrefix);
        await using var host = OperationsHost.Create(_env, o => WithOperations(o, labels));
        await host.StartAsync();

        var scrape = await MetricsScrape.GetAsync(port);
        var sample = scrape.LabelsOf("store_and_forward_store_bytes");
        Assert.Equal("hub.azure-devices.net", sample["iothub"]);
        Assert.Equal("edge-1", sample["edge_device"]);
        Assert.Equal("Store-And-Forward", sample["module_name"]);
    }

    [Fact]
    public async Task Start_MetricsPortZero_ServesNothing()
    {
        await using var host = OperationsHost.Create(_env, ("MetricsPort", "0"));
        await host.StartAsync();
        await host.Log.WaitForLineAsync("Metrics off \\(MetricsPort=0\\)");
    }

    [Theory]
    [InlineData("MetricsPort", "65536")]
    [InlineData("MetricsPort", "-1")]
    [InlineData("MetricsPort", "http")]
    [InlineData("WatchdogTimeoutSecs", "-5")]
    public void Bind_BadValue_NamesTheVariable(string name, string value)
    {
        var variables = _env.Variables(extra: [(name, value)]).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value));
        var error = Assert.Throws<SettingsException>(() => ModuleOptions.Bind(variables));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edgemodule", "edgemodule")]
    [InlineData("My-Module.v2", "my_module_v2")]
    [InlineData("9lives", "_9lives")]
    public void MetricName_ModuleName_IsAValidPrometheusPrefix(string module, string expected) =>
        Assert.Equal(expected, OperationsOptions.MetricName(module));

    private static ModuleOptions WithOperations(ModuleOptions o, OperationsOptions operations) => new()
    {
        Storage = o.Storage,
        Backup = o.Backup,
        Messaging = o.Messaging,
        Transport = o.Transport,
        Sensor = o.Sensor,
        LogLevel = o.LogLevel,
        ShutdownWaitPeriod = o.ShutdownWaitPeriod,
        Operations = operations,
    };
}
