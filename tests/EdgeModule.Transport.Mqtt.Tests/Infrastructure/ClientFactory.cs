using System.Runtime.CompilerServices;

namespace EdgeModule.Transport.Mqtt.Tests.Infrastructure;

/// <summary>Module clients for tests: a unique module id per test, fast reconnects, bounded operations.</summary>
internal static class ClientFactory
{
    public const string DeviceId = "edge-device";

    public static ModuleClientOptions Options(
        int port,
        string? caFile = null,
        int maxMessageSize = ModuleClientOptions.DefaultMaxMessageSize,
        int maxInflightMessages = 100,
        [CallerMemberName] string moduleId = "") => new()
    {
        DeviceId = DeviceId,
        ModuleId = moduleId,
        Host = "127.0.0.1",
        Port = port,
        CaFile = caFile,
        MaxMessageSize = maxMessageSize,
        MaxInflightMessages = maxInflightMessages,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        OperationTimeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<ModuleClient> OpenAsync(ModuleClientOptions options, Func<ModuleClient, Task>? beforeOpen = null)
    {
        var client = new ModuleClient(options);
        if (beforeOpen is not null)
        {
            await beforeOpen(client);
        }

        using var bound = new CancellationTokenSource(TestTimeouts.Signal);
        await client.OpenAsync(bound.Token);
        return client;
    }

    /// <summary>
    /// Opens a client the broker must refuse: it reports DisconnectedRetrying (a signal, not a timer), its open is still
    /// pending when the bound runs out, and it never reaches Connected.
    /// </summary>
    public static async Task AssertNeverConnectsAsync(ModuleClientOptions options)
    {
        var retrying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new ModuleClient(options);
        client.ConnectionStatusChanged += (_, e) =>
        {
            if (e.Status == ConnectionStatus.DisconnectedRetrying)
            {
                retrying.TrySetResult();
            }
        };

        using var bound = new CancellationTokenSource(TestTimeouts.Absence);
        var open = client.OpenAsync(bound.Token);
        await retrying.Task.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => open);
        Assert.NotEqual(ConnectionStatus.Connected, client.Status);
    }
}
