using EdgeModule.Backup;
using EdgeModule.Storage.InMemory;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests.Operations;

/// <summary>UploadSnapshot through mosquitto to a real Azurite; the blob downloaded back and restored.</summary>
public sealed class UploadSnapshotTests : IDisposable
{
    private readonly ModuleEnvironment _env = new(upstreamRunning: false);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Upload_ToAContainerSas_TheBlobIsTheGenerationAndRestores()
    {
        using var azurite = await AzuriteProcess.StartAsync();
        await azurite.Service.CreateBlobContainerAsync("backups", cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await StartAsync();
        await host.PublishAsync(0, 20, padding: 2000);
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        var generation = await SnapshotAsync(host, caller);
        var file = Path.Combine(_env.BackupFolder, $"backup-{generation:D12}.ebk");

        var sas = azurite.ContainerSas("backups", DateTimeOffset.UtcNow.AddHours(1));
        var (status, body) = await caller.InvokeAsync("UploadSnapshot", MethodCaller.Payload(("generation", generation), ("sasUrl", sas.ToString())));
        Assert.Equal(200, status);
        var id = (string)body!["correlationId"]!;
        await host.Log.WaitForLineAsync($"Upload {id} of generation {generation} to .* done");

        var (_, task) = await caller.InvokeAsync("GetTaskStatus", MethodCaller.Payload(("correlationId", id)));
        Assert.Equal("Completed", (string?)task!["status"]);
        Assert.Equal(new FileInfo(file).Length, (long)task["bytesUploaded"]!);
        Assert.Equal(generation, (long)task["generation"]!);

        var blob = azurite.Service.GetBlobContainerClient("backups").GetBlobClient(Path.GetFileName(file));
        var downloaded = (await blob.DownloadContentAsync(TestContext.Current.CancellationToken)).Value.Content.ToArray();
        Assert.Equal(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken), downloaded);
        var copy = Path.Combine(_env.Folder, "downloaded.ebk");
        await File.WriteAllBytesAsync(copy, downloaded, TestContext.Current.CancellationToken);
        using var restored = new InMemoryStore();
        var result = new BackupManager(new BackupOptions { Folder = _env.Folder }).RestoreFile(copy, restored, TestContext.Current.CancellationToken);
        Assert.True(result.Records >= 20);
    }

    [Fact]
    public async Task Upload_ExpiredSas_FailsTheTaskWithTheHttpStatus()
    {
        using var azurite = await AzuriteProcess.StartAsync();
        await azurite.Service.CreateBlobContainerAsync("backups", cancellationToken: TestContext.Current.CancellationToken);
        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        var generation = await SnapshotAsync(host, caller);

        var expired = azurite.ContainerSas("backups", DateTimeOffset.UtcNow.AddMinutes(-5));
        var (_, body) = await caller.InvokeAsync("UploadSnapshot", MethodCaller.Payload(("generation", generation), ("sasUrl", expired.ToString())));
        var id = (string)body!["correlationId"]!;
        await host.Log.WaitForLineAsync($"Task UploadSnapshot {id} FAILED");

        var (_, task) = await caller.InvokeAsync("GetTaskStatus", MethodCaller.Payload(("correlationId", id)));
        Assert.Equal("Failed", (string?)task!["status"]);
        Assert.Contains("HTTP 403", (string?)task["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"schemaVersion\":\"1.0\",\"generation\":1}", 400, "\"sasUrl\" is required")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"generation\":1,\"sasUrl\":\"ftp://x/y\"}", 400, "sasUrl")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"generation\":1,\"sasUrl\":\"not a url\"}", 400, "sasUrl")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"generation\":42,\"sasUrl\":\"https://a.blob.core.windows.net/c?sig=x\"}", 404, "no generation 42")]
    public async Task Upload_BadRequest_IsAnsweredAtOnce(string payload, int expected, string reason)
    {
        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        await SnapshotAsync(host, caller);

        var (status, body) = await caller.InvokeAsync("UploadSnapshot", payload);

        Assert.Equal(expected, status);
        Assert.Contains(reason, (string?)body!["message"], StringComparison.Ordinal);
    }

    private static async Task<long> SnapshotAsync(OperationsHost host, MethodCaller caller)
    {
        var (_, body) = await caller.InvokeAsync("CreateSnapshot", MethodCaller.Payload());
        var id = (string)body!["correlationId"]!;
        await host.Log.WaitForLineAsync($"Snapshot {id} written as generation");
        var (_, task) = await caller.InvokeAsync("GetTaskStatus", MethodCaller.Payload(("correlationId", id)));
        return (long)task!["generation"]!;
    }

    private async Task<OperationsHost> StartAsync()
    {
        var host = OperationsHost.CreateOnRealClock(_env);
        await host.StartAsync();
        await host.Log.WaitForLineAsync("Direct methods ready");
        return host;
    }
}
