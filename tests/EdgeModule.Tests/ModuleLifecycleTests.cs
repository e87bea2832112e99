using System.Buffers.Binary;
using EdgeModule.Backup;
using EdgeModule.Backup.Format;
using EdgeModule.Storage.InMemory;
using EdgeModule.Tests.Infrastructure;

namespace EdgeModule.Tests;

/// <summary>
/// The edges of the module's life, with the real process: a stop during the start, a start that cannot proceed, a
/// second module on the same folders, the modes of the files it creates.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ModuleLifecycleTests
{
    [Fact]
    public async Task Module_SigtermDuringStartupRestore_ExitsZeroAndLeavesTheBackupAsItWas()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var path = WriteBackup(env.BackupFolder, partitions: 4, records: 4096, valueBytes: 64 * 1024); // 256 MiB: a restore of seconds
        var before = File.GetLastWriteTimeUtc(path);

        using var module = ModuleProcess.Start(env.Variables());
        await module.WaitForLineAsync("Restoring the newest sound backup");
        module.Signal(ModuleProcess.SigTerm);
        await module.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal(0, module.ExitCode);
        Assert.Contains(module.Lines, l => l.Contains("Stopped during start", StringComparison.Ordinal));
        Assert.DoesNotContain(module.Lines, l => l.Contains("[ERR]", StringComparison.Ordinal) || l.Contains("[FTL]", StringComparison.Ordinal));
        Assert.Equal([path], env.Generations);
        Assert.Equal(before, File.GetLastWriteTimeUtc(path));
        Assert.False(File.Exists(path + ".restored"));
    }

    [Fact]
    public async Task Module_BackupOfANewerFormatVersion_ExitsOneNamingItAndLeavesItUnmarked()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var path = WriteBackup(env.BackupFolder, partitions: 1, records: 3, valueBytes: 10);
        SetFormatVersion(path, 99);

        using var module = ModuleProcess.Start(env.Variables());
        await module.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal(1, module.ExitCode);
        var error = Assert.Single(module.Lines, l => l.Contains("[FTL]", StringComparison.Ordinal) || l.Contains("[ERR]", StringComparison.Ordinal));
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("99", error, StringComparison.Ordinal);
        Assert.Equal([path], env.Generations);
        Assert.False(File.Exists(path + ".restored"));
        Assert.False(Directory.Exists(Path.Combine(env.BackupFolder, "quarantine")) && Directory.EnumerateFileSystemEntries(Path.Combine(env.BackupFolder, "quarantine")).Any());
    }

    [Fact]
    public async Task Module_BackupWithAnUnknownMessageStoreLayout_ExitsOneNamingItAndLeavesItUnmarked()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        string path;
        Directory.CreateDirectory(env.BackupFolder);
        using (var store = new InMemoryStore())
        {
            store.GetOrCreatePartition("mq.meta").Put("format"u8.ToArray(), [9]);
            path = new BackupManager(new BackupOptions { Folder = env.BackupFolder }).Backup(store, cancellationToken: TestContext.Current.CancellationToken).Path;
        }

        using var module = ModuleProcess.Start(env.Variables());
        await module.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal(1, module.ExitCode);
        var error = Assert.Single(module.Lines, l => l.Contains("[FTL]", StringComparison.Ordinal) || l.Contains("[ERR]", StringComparison.Ordinal));
        Assert.Contains(path, error, StringComparison.Ordinal);
        Assert.Contains("layout version 9", error, StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".restored"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Module_SecondInstanceOnTheSameFolder_ExitsTwoNamingTheFolderAndTheHolder(bool persistent)
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var variables = env.Variables(persistent);
        using var first = await ModuleProcess.StartConnectedAsync(variables);
        await first.WaitForLineAsync("Application started");

        variables["MqttClientId"] = "second-instance";
        using var second = ModuleProcess.Start(variables);
        await second.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal(2, second.ExitCode);
        var folder = persistent ? env.StorageFolder : env.BackupFolder;
        var line = Assert.Single(second.Lines, l => l.Length > 0);
        Assert.Contains($"'{folder}' is in use by another module process (pid {first.Id}", line, StringComparison.Ordinal);

        first.Signal(ModuleProcess.SigTerm);
        await first.WaitForExitAsync(TestTimeouts.Signal);
        Assert.Equal(0, first.ExitCode);
    }

    [Fact]
    public async Task Module_FilesItCreates_AreReadableByItsUserOnly()
    {
        using var env = new ModuleEnvironment();
        using (var module = await ModuleProcess.StartConnectedAsync(env.Variables(persistent: true)))
        {
            await module.WaitForLineAsync("Application started");
            module.Signal(ModuleProcess.SigTerm);
            await module.WaitForExitAsync(TestTimeouts.Signal);
            Assert.Equal(0, module.ExitCode);
        }

        using (var module = await ModuleProcess.StartConnectedAsync(env.Variables()))
        {
            await module.WaitForLineAsync("Application started");
            module.Signal(ModuleProcess.SigTerm);
            await module.WaitForExitAsync(TestTimeouts.Signal);
            Assert.Equal(0, module.ExitCode);
        }

        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var entries = new[] { env.StorageFolder, env.BackupFolder }
            .SelectMany(f => Directory.EnumerateFileSystemEntries(f, "*", SearchOption.AllDirectories).Append(f)).ToList();
        Assert.Contains(entries, e => e.EndsWith("CURRENT", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith(".ebk", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.True((File.GetUnixFileMode(e) & others) == 0, $"{e} is {File.GetUnixFileMode(e)}"));
    }

    [Fact]
    public async Task Module_LinkPlantedAsTheFolderLock_ExitsTwoAndLeavesTheVictimAlone()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        var victim = Path.Combine(env.Folder, "victim.txt");
        File.WriteAllText(victim, "precious");
        Directory.CreateDirectory(env.BackupFolder);
        File.CreateSymbolicLink(Path.Combine(env.BackupFolder, "edgemodule.lock"), victim);

        using var module = ModuleProcess.Start(env.Variables());
        await module.WaitForExitAsync(TestTimeouts.Signal);

        Assert.Equal(2, module.ExitCode);
        Assert.Contains("BackupFolder", Assert.Single(module.Lines, l => l.Length > 0), StringComparison.Ordinal);
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public async Task Module_LinkPlantedAsTheMigrationMarker_NeitherFollowedNorTakenForAnInterruptedSwitch()
    {
        using var env = new ModuleEnvironment();
        var variables = env.Variables(persistent: true);
        using (var first = await ModuleProcess.StartConnectedAsync(variables))
        {
            await first.WaitForLineAsync("Application started");
            first.Signal(ModuleProcess.SigTerm);
            await first.WaitForExitAsync(TestTimeouts.Signal);
        }

        var victim = Path.Combine(env.Folder, "victim.txt");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(env.StorageFolder, "rocksdb.migrating"), victim);

        using var module = await ModuleProcess.StartConnectedAsync(variables);
        await module.WaitForLineAsync("Application started");
        Assert.DoesNotContain(module.Lines, l => l.Contains("switch to RocksDB was interrupted", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(env.StorageFolder, "rocksdb", "CURRENT")));
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public async Task Module_InputsBrokerDownAtStart_AcceptingIsLoggedOnlyOnceTheSubscriptionIsConfirmed()
    {
        using var env = new ModuleEnvironment(upstreamRunning: false);
        env.Receiving.Stop();
        using var module = ModuleProcess.Start(env.Variables());
        await module.WaitForLineAsync("Application started");
        Assert.DoesNotContain(module.Lines, l => l.Contains("Accepting messages on inputs", StringComparison.Ordinal));

        env.Receiving.Start();
        await module.WaitForLineAsync("Accepting messages on inputs input1", TestTimeouts.Flow);
        using var producer = await MqttTestClient.ConnectAsync(env.Receiving.Port);
        await env.PublishAsync(producer, 0, 10);
        await module.WaitForLineAsync("Flow: 10 received", TestTimeouts.Flow);
    }

    private static string WriteBackup(string folder, int partitions, int records, int valueBytes)
    {
        Directory.CreateDirectory(folder);
        using var store = new InMemoryStore();
        var value = new byte[valueBytes];
        Random.Shared.NextBytes(value);
        for (var p = 0; p < partitions; p++)
        {
            var partition = store.GetOrCreatePartition($"test.{p}");
            for (var r = 0; r < records; r++)
            {
                var key = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(key, r);
                partition.Put(key, value);
            }
        }

        return new BackupManager(new BackupOptions { Folder = folder }).Backup(store).Path;
    }

    /// <summary>Sets the header's format version and seals the header frame again, so the file reads as a valid newer one.</summary>
    private static void SetFormatVersion(string path, ushort version)
    {
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(BackupFormat.VersionFileOffset), version);
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var frameEnd = BackupFormat.FrameHeaderSize + length;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(frameEnd), Crc32C.Compute(bytes.AsSpan(0, frameEnd)));
        File.WriteAllBytes(path, bytes);
    }
}
