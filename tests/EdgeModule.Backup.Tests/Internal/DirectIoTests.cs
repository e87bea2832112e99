using EdgeModule.Backup.Format;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Tests.Support;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Internal;

/// <summary>
/// Direct I/O changes only how the backup reaches the disk: the file must be byte for byte what the buffered writer
/// makes, of exactly the right length, and a file system that refuses direct I/O must still get a good backup.
/// </summary>
public sealed class DirectIoTests : IDisposable
{
    private const int BufferBytes = 64 << 10;
    private readonly TempFolder _folder = new("direct-io");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void FrameWriter_Direct_WritesTheSameBytesAsBufferedOfTheExactLength()
    {
        var buffered = Write(Path.Combine(_folder.Path, "buffered.bin"), directIo: false, out var bufferedDirect);
        var direct = Write(Path.Combine(_folder.Path, "direct.bin"), directIo: true, out var wasDirect);

        Assert.False(bufferedDirect);
        Assert.SkipUnless(wasDirect, $"the temp folder's file system refuses O_DIRECT ({_folder.Path})");
        Assert.NotEqual(0, File.ReadAllBytes(buffered).Length % DirectIo.Alignment); // the tail is a partial block
        Assert.Equal(File.ReadAllBytes(buffered), File.ReadAllBytes(direct));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void TryEnable_SetsTheFlagTheKernelReports_AndDisableClearsIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "O_DIRECT is Linux only");
        Emulation.SkipIfEmulated("the open flags in /proc/self/fdinfo (it shows the host's flag values)");
        using var handle = File.OpenHandle(Path.Combine(_folder.Path, "flag.bin"), FileMode.CreateNew, FileAccess.Write);
        Assert.SkipUnless(DirectIo.TryEnable(handle), $"the temp folder's file system refuses O_DIRECT ({_folder.Path})");
        Assert.NotEqual(0, KernelFlags(handle) & DirectIo.Flag);

        Assert.True(DirectIo.Disable(handle));

        Assert.Equal(0, KernelFlags(handle) & DirectIo.Flag);
    }

    [Fact]
    public void Backup_OnAFileSystemWithoutDirectIo_IsWrittenBufferedAndRestores()
    {
        // ramfs has no direct I/O at all: the flag is refused and the writer stays on the page cache.
        using var mount = TmpfsMount.TryCreate("16m", out var reason, fileSystem: "ramfs");
        Assert.SkipWhen(mount is null, reason);
        Write(Path.Combine(mount!.Path, "frames.bin"), directIo: true, out var wasDirect);
        Assert.False(wasDirect);
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, partitions: 3, records: 300, valueBytes: 777);
        var expected = StoreContent.Read(store);
        var manager = new BackupManager(new BackupOptions { Folder = mount.Path, WriteBufferBytes = BufferBytes, DirectIo = true });

        var backup = manager.Backup(store, cancellationToken: Ct);

        Assert.True(BackupVerifier.Verify(backup.Path, Ct).Sound);
        using var target = new InMemoryStore();
        Assert.Equal(RestoreOutcome.Restored, manager.Restore(target, Ct).Outcome);
        StoreContent.AssertEqual(expected, target);
    }

    [Fact]
    public void Backup_DirectAndBuffered_GiveFilesThatDifferOnlyInTheirTimes()
    {
        using var store = new InMemoryStore();
        StoreContent.FillBulk(store, partitions: 4, records: 500, valueBytes: 1000);
        var expected = StoreContent.Read(store);
        foreach (var direct in new[] { true, false })
        {
            var folder = _folder.Sub(direct ? "direct" : "buffered");
            var manager = new BackupManager(new BackupOptions { Folder = folder, WriteBufferBytes = BufferBytes, DirectIo = direct });
            var backup = manager.Backup(store, cancellationToken: Ct);

            Assert.Equal(backup.FileBytes, new FileInfo(backup.Path).Length);
            var verification = BackupVerifier.Verify(backup.Path, Ct);
            Assert.True(verification.Sound, verification.Problem.ToString());
            using var target = new InMemoryStore();
            Assert.Equal(RestoreOutcome.Restored, manager.Restore(target, Ct).Outcome);
            StoreContent.AssertEqual(expected, target);
        }
    }

    /// <summary>
    /// Frames of every awkward size for a 64 KiB buffer: empty, small, ones that straddle a buffer boundary, one larger
    /// than two buffers, and a tail that ends mid-block.
    /// </summary>
    private static string Write(string path, bool directIo, out bool wasDirect)
    {
        var random = new Random(42);
        using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
        using (var frames = new FrameWriter(handle, 0, BufferBytes, () => { }, null, directIo))
        {
            wasDirect = frames.IsDirect;
            frames.WriteFrame(FrameType.Partition, [0, 0]);
            var key = new byte[16];
            foreach (var size in new[] { 0, 1, 100, 1000, 30_000, 40_000, 65_000, 200_000, 1000, 5 })
            {
                for (var i = 0; i < 7; i++)
                {
                    var value = new byte[size];
                    random.NextBytes(value);
                    random.NextBytes(key);
                    frames.WriteRecord(key, value);
                }
            }

            frames.WriteRecord(key, new byte[123]);
            frames.Complete();
            Assert.Equal(frames.Position, new FileInfo(path).Length);
        }

        return path;
    }

    private static int KernelFlags(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var fdinfo = File.ReadAllLines($"/proc/self/fdinfo/{handle.DangerousGetHandle()}");
        var flags = fdinfo.Single(l => l.StartsWith("flags:", StringComparison.Ordinal))["flags:".Length..].Trim();
        return (int)Convert.ToInt64(flags, 8);
    }
}
