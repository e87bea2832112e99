using System.Diagnostics;
using System.Runtime.CompilerServices;
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

    [Fact]
    public void Run_OneBadByteInTheMiddle_ReportsTheBadFrameAndWhatWasReadBeforeIt()
    {
        using var store = new InMemoryStore();
        var partitions = new[] { store.GetOrCreatePartition("mq.a"), store.GetOrCreatePartition("mq.b") };
        var value = new byte[1000];
        for (var i = 0; i < 4000; i++)
        {
            partitions[i % 2].Put(BitConverter.GetBytes(i).Reverse().ToArray(), value);
        }

        var path = new BackupManager(new BackupOptions { Folder = _folder.FullName }).Backup(store, cancellationToken: TestContext.Current.CancellationToken).Path;
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var verification = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);
        var output = new StringWriter();

        Assert.Equal(1, BackupInspector.Run([path], output));

        var text = output.ToString();
        Assert.Contains($"CORRUPT: first bad frame at offset {verification.FirstBadOffset} of {bytes.Length} bytes", text, StringComparison.Ordinal);
        Assert.Contains(
            $"read sound before it: {verification.FramesRead} frames, {verification.PartitionsRead} partitions, {verification.RecordsRead} records, {verification.RecordBytesRead} bytes of keys and values (the first {verification.FirstBadOffset} bytes of the file)",
            text, StringComparison.Ordinal);
        Assert.InRange(verification.RecordsRead, 1000, 3000);
        Assert.InRange(verification.PartitionsRead, 1, 2);
        Assert.Contains("a restore uses nothing of this file", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0 partitions, 0 records", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FolderWithFifoNamedLikeABackup_ReportsItAsNotARegularFileWithoutBlocking()
    {
        WriteBackup();
        var fifo = Path.Combine(_folder.FullName, "backup-000000000007.ebk");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var output = new StringWriter();
        var code = await Task.Run(() => BackupInspector.Run([_folder.FullName], output), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(1, code);
        var text = output.ToString();
        Assert.Contains("UNREADABLE", text, StringComparison.Ordinal);
        Assert.Contains("FIFO", text, StringComparison.Ordinal);
        Assert.Contains("SOUND", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Folder_ListsGenerationsByNumberWhateverTheirWidth()
    {
        var path = WriteBackup();
        File.Copy(path, Path.Combine(_folder.FullName, "backup-999999999999.ebk"));
        File.Copy(path, Path.Combine(_folder.FullName, "backup-1000000000000.ebk"));
        var output = new StringWriter();

        Assert.Equal(0, BackupInspector.Run([_folder.FullName], output));

        var text = output.ToString();
        var order = new[] { "backup-1000000000000.ebk", "backup-999999999999.ebk", Path.GetFileName(path) }
            .Select(name => text.IndexOf(name, StringComparison.Ordinal))
            .ToList();
        Assert.DoesNotContain(-1, order);
        Assert.Equal(order.Order(), order);
    }

    [Fact]
    public void Run_JournalFileWithTornTail_IsSoundAndShowsDeltasAndTheTail()
    {
        var path = Path.Combine(_folder.FullName, "backup-000000000001.ebk");
        File.Copy(Path.Combine(GoldenFolder(), "v2-deltas.ebk"), path);
        File.AppendAllText(path, "torn!");
        var verification = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);
        var output = new StringWriter();

        Assert.Equal(0, BackupInspector.Run([path], output));

        var text = output.ToString();
        Assert.Contains($"base {verification.BaseBytes} bytes, {verification.Deltas} delta(s)", text, StringComparison.Ordinal);
        Assert.Contains($"torn tail: 5 bytes after the last commit at offset {verification.SoundBytes}", text, StringComparison.Ordinal);
        Assert.Contains("SOUND", text, StringComparison.Ordinal);
        Assert.True(verification.Deltas > 0);
    }

    [Fact]
    public void Run_JournalFileDamagedInItsFirstDelta_SaysDamagedDeltasNotTornTail()
    {
        var path = Path.Combine(_folder.FullName, "backup-000000000001.ebk");
        File.Copy(Path.Combine(GoldenFolder(), "v2-deltas.ebk"), path);
        var baseBytes = BackupVerifier.Verify(path, TestContext.Current.CancellationToken).BaseBytes;
        var bytes = File.ReadAllBytes(path);
        bytes[baseBytes + 20] ^= 0x01; // inside the first delta; the second stays intact after it
        File.WriteAllBytes(path, bytes);
        var output = new StringWriter();

        Assert.Equal(0, BackupInspector.Run([path], output));

        var text = output.ToString();
        Assert.Contains($"DAMAGED DELTAS: {bytes.Length - baseBytes} bytes after the last sound commit at offset {baseBytes}", text, StringComparison.Ordinal);
        Assert.Contains("1 later delta(s) intact after the damage", text, StringComparison.Ordinal);
        Assert.DoesNotContain("torn tail", text, StringComparison.Ordinal);
    }

    private static string GoldenFolder([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "EdgeModule.Backup.Tests", "Golden");
}
