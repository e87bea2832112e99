using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Journal;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>Generation files with delta segments, written through the journal's own append path.</summary>
internal static class JournalFiles
{
    /// <summary>Appends <paramref name="changes"/> to the sound file at <paramref name="path"/> as one delta; returns its bytes.</summary>
    public static long AppendDelta(string path, InMemoryChangeSet changes, TimeProvider time, Action<BackupFaultPoint>? faultHook = null)
    {
        var point = AppendPoint(path);
        using var file = JournalFile.Open(point, Path.Combine(Path.GetDirectoryName(path)!, "quarantine"), time, faultHook, out _);
        return file.Append(changes, time.GetUtcNow(), 1 << 20, time);
    }

    public static BackupAppendPoint AppendPoint(string path)
    {
        var verification = BackupVerifier.Verify(path, TestContext.Current.CancellationToken);
        Assert.True(verification.Sound, verification.Reason);
        return BackupAppendPoint.From(verification)!;
    }

    /// <summary>
    /// The golden v2 file: the golden store's base, then delta 1 (a put, an overwrite, a remove, a created partition)
    /// and delta 2 (a partition dropped, one dropped and created again with a key, a key of the empty key's kind).
    /// </summary>
    public static string WriteGoldenV2(string folder)
    {
        var time = new ManualTimeProvider(BackupFiles.GoldenTime);
        var inner = new InMemoryStore();
        using var store = new FixedIdentityStore(inner, "golden-store");
        FillGolden(store);
        var tracker = inner.EnableChangeTracking(time);
        var path = new BackupManager(new BackupOptions { Folder = folder }, time).Backup(store).Path;

        time.Advance(TimeSpan.FromSeconds(1));
        var alpha = store.GetPartition("alpha");
        alpha.Put("a"u8.ToArray(), "FIRST"u8.ToArray());
        alpha.Remove("b"u8.ToArray());
        alpha.Put("d"u8.ToArray(), "fourth"u8.ToArray());
        store.GetOrCreatePartition("zeta");
        AppendDelta(path, tracker.Drain(), time);

        time.Advance(TimeSpan.FromSeconds(1));
        store.DropPartition("empty");
        store.DropPartition("binary");
        store.GetOrCreatePartition("binary").Put([], [0x42]);
        AppendDelta(path, tracker.Drain(), time);
        return path;
    }

    /// <summary>What the golden v2 file restores to.</summary>
    public static SortedDictionary<string, List<(byte[] Key, byte[] Value)>> GoldenV2Content() => new(StringComparer.Ordinal)
    {
        ["alpha"] = [("a"u8.ToArray(), "FIRST"u8.ToArray()), ("c"u8.ToArray(), "third value"u8.ToArray()), ("d"u8.ToArray(), "fourth"u8.ToArray())],
        ["binary"] = [([], [0x42])],
        ["zeta"] = [],
    };

    private static void FillGolden(FixedIdentityStore store)
    {
        using var source = BackupFiles.CreateGoldenStore();
        foreach (var (name, records) in StoreContent.Read(source))
        {
            var partition = store.GetOrCreatePartition(name);
            foreach (var (key, value) in records)
            {
                partition.Put(key, value);
            }
        }
    }
}
