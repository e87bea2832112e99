using System.Buffers.Binary;
using EdgeModule.Backup.Files;
using EdgeModule.Backup.Format;
using EdgeModule.Backup.Internal;
using EdgeModule.Backup.Journal;
using EdgeModule.Backup.Writing;
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
    /// Appends <paramref name="changes"/> to the sound file at <paramref name="path"/> as the journal would, with or
    /// without run frames whatever the file's version; returns the delta's bytes.
    /// </summary>
    public static long WriteDelta(string path, InMemoryChangeSet changes, DateTimeOffset created, bool runFrames)
    {
        var point = AppendPoint(path);
        using var handle = SafeFile.OpenReadWrite(path);
        RandomAccess.SetLength(handle, point.SoundBytes);
        using var frames = new FrameWriter(handle, point.SoundBytes, 1 << 20, static () => { }, null, directIo: false, point.DigestState);
        var totals = DeltaWriter.Write(frames, changes, point.LastSegmentIndex + 1, point.LastSequence, created, () => TimeSpan.Zero, runFrames);
        frames.Complete();
        return totals.SegmentBytes;
    }

    /// <summary>
    /// The golden v2 file: the golden store's base, then delta 1 (a put, an overwrite, a remove, a created partition)
    /// and delta 2 (a partition dropped, one dropped and created again with a key, a key of the empty key's kind).
    /// The base is <paramref name="frozenBase"/> when given (a file of an older version the journal continues), else
    /// written by this build.
    /// </summary>
    public static string WriteGoldenV2(string folder, byte[]? frozenBase = null) =>
        WriteGoldenDeltas(folder, frozenBase, runDeltas: false);

    /// <summary>
    /// The golden v3 file: the golden v2 file's base and deltas as this build writes them, then delta 3 (runs of
    /// records in two partitions, one broken by a gap, one of two one-byte keys, a plain remove) and delta 4 (runs of
    /// removals, a record right after a run of removals, a plain remove, a dropped partition).
    /// </summary>
    public static string WriteGoldenV3(string folder) => WriteGoldenDeltas(folder, frozenBase: null, runDeltas: true);

    /// <summary>What the golden v2 file restores to.</summary>
    public static SortedDictionary<string, List<(byte[] Key, byte[] Value)>> GoldenV2Content() => new(StringComparer.Ordinal)
    {
        ["alpha"] = [("a"u8.ToArray(), "FIRST"u8.ToArray()), ("c"u8.ToArray(), "third value"u8.ToArray()), ("d"u8.ToArray(), "fourth"u8.ToArray())],
        ["binary"] = [([], [0x42])],
        ["zeta"] = [],
    };

    /// <summary>What the golden v3 file restores to.</summary>
    public static SortedDictionary<string, List<(byte[] Key, byte[] Value)>> GoldenV3Content() => new(StringComparer.Ordinal)
    {
        ["alpha"] = [("a"u8.ToArray(), "FIRST"u8.ToArray()), ("d"u8.ToArray(), "fourth"u8.ToArray()), ("e"u8.ToArray(), "E"u8.ToArray()), ("f"u8.ToArray(), "F"u8.ToArray())],
        ["binary"] = [([], [0x42])],
        ["mq.messages"] = [(U64(5), "five again"u8.ToArray())],
        ["mq.queue.up"] = [(U64(4), "q4"u8.ToArray())],
    };

    /// <summary>An 8-byte big-endian key, as the message store's message numbers and queue sequences.</summary>
    public static byte[] U64(long n)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(key, n);
        return key;
    }

    private static string WriteGoldenDeltas(string folder, byte[]? frozenBase, bool runDeltas)
    {
        var time = new ManualTimeProvider(BackupFiles.GoldenTime);
        var inner = new InMemoryStore();
        using var store = new FixedIdentityStore(inner, "golden-store");
        FillGolden(store);
        var tracker = inner.EnableChangeTracking(time);
        string path;
        if (frozenBase is null)
        {
            path = new BackupManager(new BackupOptions { Folder = folder }, time).Backup(store).Path;
        }
        else
        {
            path = Path.Combine(folder, "backup-000000000001.ebk");
            File.WriteAllBytes(path, frozenBase);
        }

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
        if (!runDeltas)
        {
            return path;
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var messages = store.GetOrCreatePartition("mq.messages");
        var queue = store.GetOrCreatePartition("mq.queue.up");
        foreach (var n in new[] { 1, 2, 3, 4, 5, 7 })
        {
            messages.Put(U64(n), [.. "m"u8, (byte)('0' + n)]);
        }

        foreach (var n in new[] { 1, 2, 3, 4 })
        {
            queue.Put(U64(n), [.. "q"u8, (byte)('0' + n)]);
        }

        alpha.Remove("c"u8.ToArray());
        alpha.Put("e"u8.ToArray(), "E"u8.ToArray());
        alpha.Put("f"u8.ToArray(), "F"u8.ToArray());
        AppendDelta(path, tracker.Drain(), time);

        time.Advance(TimeSpan.FromSeconds(1));
        foreach (var n in new[] { 1, 2, 3, 4, 7 })
        {
            messages.Remove(U64(n));
        }

        messages.Put(U64(5), "five again"u8.ToArray());
        foreach (var n in new[] { 1, 2, 3 })
        {
            queue.Remove(U64(n));
        }

        store.DropPartition("zeta");
        AppendDelta(path, tracker.Drain(), time);
        return path;
    }

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
