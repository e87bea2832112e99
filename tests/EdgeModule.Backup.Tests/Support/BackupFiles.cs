using System.Runtime.CompilerServices;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>Small backups with fixed content, identity and clock: the same bytes on every run.</summary>
public static class BackupFiles
{
    public static readonly DateTimeOffset GoldenTime = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static string GoldenFolder([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile))!, "Golden");

    /// <summary>The content of the golden v1 file: three partitions, one empty, binary keys, an empty value.</summary>
    public static IKeyValueStore CreateGoldenStore()
    {
        var store = new FixedIdentityStore(new InMemoryStore(), "golden-store");
        store.GetOrCreatePartition("empty");
        var alpha = store.GetOrCreatePartition("alpha");
        var binary = store.GetOrCreatePartition("binary");
        using var batch = store.CreateWriteBatch();
        batch.Put(alpha, "a"u8.ToArray(), "first"u8.ToArray());
        batch.Put(alpha, "b"u8.ToArray(), []);
        batch.Put(alpha, "c"u8.ToArray(), "third value"u8.ToArray());
        batch.Put(binary, [0x00], [0xFF, 0x00, 0x7F]);
        batch.Put(binary, [0xFF, 0xFE], [0x01]);
        store.Write(batch);
        return store;
    }

    /// <summary>Writes the golden store's backup into <paramref name="folder"/> and returns its path.</summary>
    public static string WriteGolden(string folder)
    {
        using var store = CreateGoldenStore();
        var manager = new BackupManager(new BackupOptions { Folder = folder }, new ManualTimeProvider(GoldenTime));
        return manager.Backup(store).Path;
    }
}
