using EdgeModule.Backup;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Tests;

public sealed class BackupInspectorTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edgemodule-inspect-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string WriteBackup()
    {
        using var store = new InMemoryStore();
        var p = store.GetOrCreatePartition("mq.queue.output1");
        p.Put([1], [1, 2, 3]);
        p.Put([2], [4]);
        return new BackupManager(new BackupOptions { Folder = _folder.FullName }).Backup(store).Path;
    }

    [Fact]
    public void Run_SoundBackupFolder_DescribesItAndExitsZero()
    {
        var path = WriteBackup();
        var output = new StringWriter();

        Assert.Equal(0, BackupInspector.Run([_folder.FullName], output));
        var text = output.ToString();
        Assert.Contains(path, text, StringComparison.Ordinal);
        Assert.Contains("from memory store", text, StringComparison.Ordinal);
        Assert.Contains("1 partitions, 2 records, 6 bytes of keys and values", text, StringComparison.Ordinal);
        Assert.Contains("SOUND", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TruncatedBackup_SaysWhereItBreaksAndExitsOne()
    {
        var path = WriteBackup();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var output = new StringWriter();

        Assert.Equal(1, BackupInspector.Run([path], output));
        var text = output.ToString();
        Assert.Contains("at offset", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SOUND", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoArgumentsOrMissingPath_AreErrors()
    {
        Assert.Equal(2, BackupInspector.Run([], new StringWriter()));
        var output = new StringWriter();
        Assert.Equal(1, BackupInspector.Run([Path.Combine(_folder.FullName, "nope.ebk")], output));
        Assert.Contains("no such file", output.ToString(), StringComparison.Ordinal);

        var empty = _folder.CreateSubdirectory("empty");
        output = new StringWriter();
        Assert.Equal(1, BackupInspector.Run([empty.FullName], output));
        Assert.Contains("no backup files", output.ToString(), StringComparison.Ordinal);
    }
}
