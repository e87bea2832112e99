using System.Text;
using System.Text.Json.Nodes;
using EdgeModule.Backup;
using EdgeModule.Storage.InMemory;
using EdgeModule.Store;
using EdgeModule.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeModule.Tests.Operations;

/// <summary>Each direct method round trip through a real mosquitto, as IoT Hub would call it.</summary>
public sealed class DirectMethodsTests : IDisposable
{
    private readonly ModuleEnvironment _env = new(upstreamRunning: false);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task GetStoreStatus_AfterMessages_ReportsTheStore()
    {
        await using var host = await StartAsync();
        await host.PublishAsync(0, 7);
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);

        var (status, body) = await caller.InvokeAsync("GetStoreStatus", MethodCaller.Payload());

        Assert.Equal(200, status);
        Assert.Equal("1.0", (string?)body!["schemaVersion"]);
        Assert.Equal("memory", (string?)body["mode"]);
        Assert.Equal(7, (long?)body["messages"]);
        var endpoint = Assert.Single(body["endpoints"]!.AsArray())!;
        Assert.Equal("output1", (string?)endpoint["name"]);
        Assert.Equal(7, (long?)endpoint["messages"]);
        Assert.True((double?)body["oldestMessageAgeSeconds"] >= 0);
        Assert.Equal((long?)body["bytes"], (long?)body["unprotectedBytes"]);
        Assert.Null(body["lastBackup"]);
        Assert.False((bool?)body["upstreamConnected"]);
    }

    [Fact]
    public async Task CreateSnapshot_ThenGetTaskStatus_CompletesWithTheGenerationOnDisk()
    {
        await using var host = await StartAsync();
        await host.PublishAsync(0, 5);
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);

        var (status, body) = await caller.InvokeAsync("CreateSnapshot", MethodCaller.Payload());
        Assert.Equal(200, status);
        Assert.Equal("Running", (string?)body!["status"]);
        var id = (string)body["correlationId"]!;
        await host.Log.WaitForLineAsync($"Snapshot {id} written as generation");

        var (taskStatus, task) = await caller.InvokeAsync("GetTaskStatus", MethodCaller.Payload(("correlationId", id)));
        Assert.Equal(200, taskStatus);
        Assert.Equal("Completed", (string?)task!["status"]);
        var generation = (long)task["generation"]!;
        var file = Path.Combine(_env.BackupFolder, $"backup-{generation:D12}.ebk");
        Assert.Equal(new FileInfo(file).Length, (long)task["bytes"]!);
        Assert.True((long)task["records"]! >= 5);
        Assert.True((long)task["elapsedMs"]! >= 0);

        // The file is a sound backup of the 5 messages.
        using (var restored = new InMemoryStore())
        {
            var result = new BackupManager(new BackupOptions { Folder = _env.BackupFolder }).RestoreFile(file, restored, TestContext.Current.CancellationToken);
            Assert.Equal((long)task["records"]!, result.Records);
        }

        var (_, store) = await caller.InvokeAsync("GetStoreStatus", MethodCaller.Payload());
        Assert.True((bool)store!["lastBackup"]!["succeeded"]!);
        Assert.Equal(generation, (long)store["lastBackup"]!["generation"]!);
    }

    [Fact]
    public async Task CreateSnapshot_TwiceWhileOneRuns_TheSecondGetsTheRunningId()
    {
        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);

        // Another backup of the folder holds it, so the module's snapshot waits its turn: still running.
        using var gate = new GatedStore(new InMemoryStore());
        var holder = Task.Run(() => new BackupManager(new BackupOptions { Folder = _env.BackupFolder }).Backup(gate, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await gate.Entered.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        var first = caller.InvokeAsync("CreateSnapshot", MethodCaller.Payload());
        var second = caller.InvokeAsync("CreateSnapshot", MethodCaller.Payload());
        var (s1, b1) = await first;
        var (s2, b2) = await second;
        Assert.Equal(200, s1);
        Assert.Equal(200, s2);
        var id = (string)b1!["correlationId"]!;
        Assert.Equal(id, (string?)b2!["correlationId"]);
        Assert.Equal("Running", (string?)b2["status"]);
        var (_, running) = await caller.InvokeAsync("GetTaskStatus", MethodCaller.Payload(("correlationId", id)));
        Assert.Equal("Running", (string?)running!["status"]);

        gate.Release();
        await holder.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        await host.Log.WaitForLineAsync($"Snapshot {id} written as generation 2");

        // Once done, a new request starts a new snapshot.
        var (_, third) = await caller.InvokeAsync("CreateSnapshot", MethodCaller.Payload());
        Assert.NotEqual(id, (string?)third!["correlationId"]);
        await host.Log.WaitForLineAsync($"Snapshot {(string)third["correlationId"]!} written as generation 3");
    }

    [Fact]
    public async Task CreateSnapshot_WithTheJournal_WritesAFullGenerationTheJournalContinues()
    {
        await using var host = await StartAsync(("CheckpointIntervalMs", "100"));
        await host.PublishAsync(0, 5);
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        var journal = host.Services.GetRequiredService<ModuleJournal>().Journal!;
        var before = journal.GetStatistics().Generation;

        var (_, body) = await caller.InvokeAsync("CreateSnapshot", MethodCaller.Payload());
        var id = (string)body!["correlationId"]!;
        await host.Log.WaitForLineAsync($"Snapshot {id} written as generation");
        var (_, task) = await caller.InvokeAsync("GetTaskStatus", MethodCaller.Payload(("correlationId", id)));

        var generation = (long)task!["generation"]!;
        Assert.True(generation > before);
        Assert.Equal(generation, journal.GetStatistics().Generation);
        var (_, status) = await caller.InvokeAsync("GetStoreStatus", MethodCaller.Payload());
        Assert.Equal("memory+journal", (string?)status!["mode"]);

        // The journal's generation is protected from DeleteSnapshot.
        var (deleteStatus, _) = await caller.InvokeAsync("DeleteSnapshot", MethodCaller.Payload(("generation", generation)));
        Assert.Equal(409, deleteStatus);
    }

    [Fact]
    public async Task DeleteSnapshot_NewestProtected_OlderDeleted_UnknownNotFound()
    {
        await using var host = await StartAsync();
        await host.PublishAsync(0, 3);
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        foreach (var expected in new[] { 1, 2 })
        {
            var (_, body) = await caller.InvokeAsync("CreateSnapshot", MethodCaller.Payload());
            await host.Log.WaitForLineAsync($"Snapshot {(string)body!["correlationId"]!} written as generation {expected}");
        }

        var (newest, newestBody) = await caller.InvokeAsync("DeleteSnapshot", MethodCaller.Payload(("generation", 2)));
        Assert.Equal(409, newest);
        Assert.Contains("newest", (string?)newestBody!["message"], StringComparison.Ordinal);
        Assert.Equal(2, _env.Generations.Length);

        var (unknown, unknownBody) = await caller.InvokeAsync("DeleteSnapshot", MethodCaller.Payload(("generation", 99)));
        Assert.Equal(404, unknown);
        Assert.Contains("no generation 99", (string?)unknownBody!["message"], StringComparison.Ordinal);

        var (older, olderBody) = await caller.InvokeAsync("DeleteSnapshot", MethodCaller.Payload(("generation", 1)));
        Assert.Equal(200, older);
        Assert.True((bool)olderBody!["deleted"]!);
        Assert.Equal([Path.Combine(_env.BackupFolder, "backup-000000000002.ebk")], _env.Generations);
    }

    [Fact]
    public async Task DeleteSnapshot_WhileAnotherBackupHoldsTheFolder_WaitsItsTurnThenDeletes()
    {
        WriteTwoGenerations(records: 0);

        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        using var gate = new GatedStore(new InMemoryStore());
        var holder = Task.Run(() => new BackupManager(new BackupOptions { Folder = _env.BackupFolder }).Backup(gate, cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await gate.Entered.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);

        // Generation 2 is the newest now; asked under the lock, after the other backup wrote 3 (and pruned 1), it may go.
        var delete = caller.InvokeAsync("DeleteSnapshot", MethodCaller.Payload(("generation", 2)));
        Assert.False(delete.IsCompleted); // the folder is the other backup's until it is done
        gate.Release();
        await holder.WaitAsync(TestTimeouts.Signal, TestContext.Current.CancellationToken);
        var (status, body) = await delete;

        Assert.Equal(200, status);
        Assert.True((bool)body!["deleted"]!);
        Assert.Equal([Path.Combine(_env.BackupFolder, "backup-000000000003.ebk")], _env.Generations);
    }

    [Fact]
    public async Task DeleteSnapshot_TheRestoredGenerationWhileNothingNewer_IsProtected()
    {
        // A generation to restore from, then one older beside it that may go.
        WriteTwoGenerations(records: 0);

        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        var (_, list) = await caller.InvokeAsync("ListSnapshots", MethodCaller.Payload());
        var restored = list!["snapshots"]!.AsArray().Single(s => (bool?)s!["restored"] == true)!;
        Assert.Equal(2, (long)restored["generation"]!);
        Assert.True((bool)restored["protected"]!);

        var (status, _) = await caller.InvokeAsync("DeleteSnapshot", MethodCaller.Payload(("generation", 2)));
        Assert.Equal(409, status);
        var (older, _) = await caller.InvokeAsync("DeleteSnapshot", MethodCaller.Payload(("generation", 1)));
        Assert.Equal(200, older);
    }

    [Fact]
    public async Task ListSnapshots_GenerationsReadInTheBackground_ThenListedSoundOrDamagedWithTheirRecords()
    {
        // Two generations of 5 messages, the older then damaged in its base: the newest is restored at start.
        WriteTwoGenerations(records: 5);

        var older = Path.Combine(_env.BackupFolder, "backup-000000000001.ebk");
        await using (var file = new FileStream(older, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 200;
            file.WriteByte((byte)(file.ReadByte() ^ 0xFF));
        }

        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);
        var (_, first) = await caller.InvokeAsync("ListSnapshots", MethodCaller.Payload());
        Assert.All(first!["snapshots"]!.AsArray(), s => Assert.Equal("unverified", (string?)s!["state"]));

        await host.Log.WaitForLineAsync("Verified backup-000000000001.ebk for ListSnapshots: damaged");
        await host.Log.WaitForLineAsync("Verified backup-000000000002.ebk for ListSnapshots: sound, 5 records");
        var (status, list) = await caller.InvokeAsync("ListSnapshots", MethodCaller.Payload());

        Assert.Equal(200, status);
        var snapshots = list!["snapshots"]!.AsArray();
        var newest = snapshots.Single(s => (long?)s!["generation"] == 2)!;
        Assert.Equal("sound", (string?)newest["state"]);
        Assert.Equal(5, (long?)newest["records"]);
        Assert.Equal(0, (int?)newest["deltas"]);
        var damaged = snapshots.Single(s => (long?)s!["generation"] == 1)!;
        Assert.Equal("damaged", (string?)damaged["state"]);
        Assert.False(string.IsNullOrEmpty((string?)damaged["problem"]));
    }

    [Fact]
    public async Task ListSnapshots_ManyGenerations_PagesUnder128KbAndCoversThemAll()
    {
        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);

        // Listing reads names and sizes only, so small files stand in for 3000 generations; two quarantined files follow.
        for (var n = 1; n <= 3000; n++)
        {
            await File.WriteAllTextAsync(Path.Combine(_env.BackupFolder, $"backup-{n:D12}.ebk"), "x", TestContext.Current.CancellationToken);
        }

        Directory.CreateDirectory(Path.Combine(_env.BackupFolder, "quarantine"));
        await File.WriteAllTextAsync(Path.Combine(_env.BackupFolder, "quarantine", "backup-000000009999.ebk"), "bad", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_env.BackupFolder, "quarantine", "backup-000000009999.ebk.reason.txt"), "why", TestContext.Current.CancellationToken);

        var seen = new List<JsonNode>();
        string? token = null;
        var pages = 0;
        do
        {
            var payload = token is null ? MethodCaller.Payload() : MethodCaller.Payload(("continuationToken", token));
            var (status, body) = await caller.InvokeAsync("ListSnapshots", payload);
            Assert.Equal(200, status);
            Assert.True(Encoding.UTF8.GetByteCount(body!.ToJsonString()) < 128 * 1024);
            Assert.Equal(3002, (long)body["total"]!);
            seen.AddRange(body["snapshots"]!.AsArray().Select(s => s!));
            token = (string?)body["continuationToken"];
            pages++;
        }
        while (token is not null);

        Assert.True(pages > 1);
        Assert.Equal(3002, seen.Count);
        Assert.Equal(Enumerable.Range(1, 3000).Reverse().Select(n => (long)n), seen.Take(3000).Select(s => (long)s["generation"]!));
        Assert.True((bool)seen[0]["protected"]!);
        Assert.False((bool)seen[1]["protected"]!);
        Assert.All(seen.Skip(3000), s => Assert.Equal("quarantined", (string?)s["state"]));
    }

    [Theory]
    [InlineData("GetStoreStatus", "{}", "schemaVersion")]
    [InlineData("GetStoreStatus", "[1]", "JSON object")]
    [InlineData("GetStoreStatus", "{\"schemaVersion\":\"2.0\"}", "schemaVersion")]
    [InlineData("GetStoreStatus", "{\"schemaVersion\":1.0}", "schemaVersion")]
    [InlineData("GetStoreStatus", "not json", "not valid JSON")]
    [InlineData("CreateSnapshot", "", "JSON object")]
    [InlineData("GetTaskStatus", "{\"schemaVersion\":\"1.0\"}", "\"correlationId\" is required")]
    [InlineData("GetTaskStatus", "{\"schemaVersion\":\"1.0\",\"correlationId\":5}", "correlationId")]
    [InlineData("DeleteSnapshot", "{\"schemaVersion\":\"1.0\"}", "\"generation\" is required")]
    [InlineData("DeleteSnapshot", "{\"schemaVersion\":\"1.0\",\"generation\":\"x\"}", "whole number")]
    [InlineData("DeleteSnapshot", "{\"schemaVersion\":\"1.0\",\"generation\":0}", "whole number")]
    [InlineData("DeleteSnapshot", "{\"schemaVersion\":\"1.0\",\"generation\":1.5}", "whole number")]
    [InlineData("ListSnapshots", "{\"schemaVersion\":\"1.0\",\"continuationToken\":\"abc\"}", "continuationToken")]
    public async Task Method_BadPayload_Answers400WithTheReason(string method, string payload, string reason)
    {
        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);

        var (status, body) = await caller.InvokeAsync(method, payload);

        Assert.Equal(400, status);
        Assert.Contains(reason, (string?)body!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTaskStatus_UnknownId_AnswersUnknown()
    {
        await using var host = await StartAsync();
        using var caller = await MethodCaller.ConnectAsync(_env.Receiving.Port);

        var (status, body) = await caller.InvokeAsync("GetTaskStatus", MethodCaller.Payload(("correlationId", "nope")));

        Assert.Equal(200, status);
        Assert.Equal("Unknown", (string?)body!["status"]);
    }

    /// <summary>Generations 1 and 2 in the backup folder before the module starts, each of the same <paramref name="records"/> records.</summary>
    private void WriteTwoGenerations(int records)
    {
        Directory.CreateDirectory(_env.BackupFolder);
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("data");
        for (var i = 0; i < records; i++)
        {
            p.Put([(byte)i], new byte[100]);
        }

        var manager = new BackupManager(new BackupOptions { Folder = _env.BackupFolder });
        manager.Backup(store, cancellationToken: TestContext.Current.CancellationToken);
        manager.Backup(store, cancellationToken: TestContext.Current.CancellationToken);
    }

    private async Task<OperationsHost> StartAsync(params (string Name, string Value)[] extra)
    {
        var host = OperationsHost.CreateOnRealClock(_env, extra);
        await host.StartAsync();
        await host.Log.WaitForLineAsync("Direct methods ready");
        return host;
    }
}
