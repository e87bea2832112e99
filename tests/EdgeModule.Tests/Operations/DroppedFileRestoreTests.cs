using EdgeModule.Backup;
using EdgeModule.Messaging;
using EdgeModule.Storage.InMemory;
using EdgeModule.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeModule.Tests.Operations;

/// <summary>A backup file dropped in BackupFolder/restore/ at start: restored only into an empty store, always moved aside.</summary>
public sealed class DroppedFileRestoreTests : IDisposable
{
    private readonly ModuleEnvironment _env = new(upstreamRunning: false);

    private string RestoreFolder => Path.Combine(_env.BackupFolder, "restore");

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Start_InMemoryWithAGeneration_RestoresTheDroppedFileInsteadAndMovesItAside()
    {
        WriteBackup(_env.BackupFolder, 2);
        var dropped = Drop(WriteBackup(Path.Combine(_env.Folder, "elsewhere"), 4));

        await using var host = OperationsHost.CreateOnRealClock(_env);
        await host.StartAsync();

        Assert.Equal(4, host.Services.GetRequiredService<MessageStore>().GetStats().MessageCount);
        await host.Log.WaitForLineAsync("Restored the dropped file .* instead of the newest generation: .* moved to .*/restore/restored/");
        Assert.False(File.Exists(dropped));
        var moved = Assert.Single(Directory.GetFiles(Path.Combine(RestoreFolder, "restored")));
        Assert.StartsWith(Path.GetFileName(dropped) + ".", Path.GetFileName(moved), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(RestoreFolder));

        // The local generation was left alone and unmarked.
        Assert.False(File.Exists(_env.Generations[0] + ".restored"));
    }

    [Fact]
    public async Task Start_RocksDbThatHoldsMessages_RefusesTheDroppedFileAndStartsAsWithoutIt()
    {
        await using (var first = OperationsHost.CreateOnRealClock(_env, ("UsePersistentStorage", "true")))
        {
            await first.StartAsync();
            await first.PublishAsync(0, 3);

            // Stored before the stop, so the count below does not depend on when the last one arrives.
            await first.Log.WaitForLineAsync("Flow: 3 received");
        }

        var dropped = Drop(WriteBackup(Path.Combine(_env.Folder, "elsewhere"), 5));
        await using var host = OperationsHost.CreateOnRealClock(_env, ("UsePersistentStorage", "true"));
        await host.StartAsync();

        Assert.Equal(3, host.Services.GetRequiredService<MessageStore>().GetStats().MessageCount);
        await host.Log.WaitForLineAsync("The dropped file .* was NOT restored: the store is not empty");
        Assert.False(File.Exists(dropped));
        Assert.Single(Directory.GetFiles(Path.Combine(RestoreFolder, "refused")));
    }

    [Fact]
    public async Task Start_NewRocksDbStore_RestoresTheDroppedFile()
    {
        Drop(WriteBackup(Path.Combine(_env.Folder, "elsewhere"), 6));
        await using var host = OperationsHost.CreateOnRealClock(_env, ("UsePersistentStorage", "true"));
        await host.StartAsync();

        Assert.Equal(6, host.Services.GetRequiredService<MessageStore>().GetStats().MessageCount);
        Assert.Single(Directory.GetFiles(Path.Combine(RestoreFolder, "restored")));
    }

    [Fact]
    public async Task Start_CorruptDroppedFile_RefusedAndTheNewestGenerationRestored()
    {
        WriteBackup(_env.BackupFolder, 2);
        var source = WriteBackup(Path.Combine(_env.Folder, "elsewhere"), 4);
        var bytes = await File.ReadAllBytesAsync(source, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(source, bytes, TestContext.Current.CancellationToken);
        Drop(source);

        await using var host = OperationsHost.CreateOnRealClock(_env);
        await host.StartAsync();

        await host.Log.WaitForLineAsync("The dropped file .* was NOT restored");
        Assert.Equal(2, host.Services.GetRequiredService<MessageStore>().GetStats().MessageCount);
        Assert.Single(Directory.GetFiles(Path.Combine(RestoreFolder, "refused")));
    }

    [Fact]
    public async Task Start_TwoDroppedFiles_RefusesBoth()
    {
        Drop(WriteBackup(Path.Combine(_env.Folder, "a"), 1));
        Drop(WriteBackup(Path.Combine(_env.Folder, "b"), 1), "second.ebk");

        await using var host = OperationsHost.CreateOnRealClock(_env);
        await host.StartAsync();

        await host.Log.WaitForLineAsync("NOT restored: 2 files were dropped; drop exactly one");
        Assert.Equal(0, host.Services.GetRequiredService<MessageStore>().GetStats().MessageCount);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(RestoreFolder, "refused")).Length);
    }

    private string Drop(string file, string? name = null)
    {
        Directory.CreateDirectory(RestoreFolder);
        var target = Path.Combine(RestoreFolder, name ?? Path.GetFileName(file));
        File.Copy(file, target);
        return target;
    }

    /// <summary>A generation of <paramref name="count"/> messages on input1 in <paramref name="folder"/>; its path.</summary>
    private static string WriteBackup(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        using var store = new InMemoryStore();
        using (var messages = new MessageStore(store, new MessageStoreOptions()))
        {
            for (var i = 0; i < count; i++)
            {
                messages.Enqueue("input1", new EdgeMessage(new byte[] { (byte)i }));
            }
        }

        return new BackupManager(new BackupOptions { Folder = folder }).Backup(store, cancellationToken: TestContext.Current.CancellationToken).Path;
    }
}
