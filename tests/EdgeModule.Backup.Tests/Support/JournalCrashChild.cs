using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using EdgeModule.Backup.Journal;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;

namespace EdgeModule.Backup.Tests.Support;

/// <summary>
/// The child side of the journal's SIGKILL test (started like <see cref="CrashChild"/>, with
/// <see cref="FolderVariable"/> set). It restores the folder, starts a journal on it (short interval, frequent
/// compactions), then puts messages and removes the oldest, awaiting durability after each group and printing what
/// became durable: <c>RESTORED &lt;outcome&gt; &lt;quarantined&gt; &lt;dropped tail bytes&gt;</c>, then
/// <c>ACK &lt;from&gt; &lt;to&gt;</c> (keys put, durable) and <c>GONE &lt;from&gt; &lt;to&gt;</c> (keys removed, durable).
/// </summary>
/// <remarks>
/// Everything of this assembly runs on the main thread: it runs inside the module initializer, and any other thread
/// entering this assembly's code (an await's continuation, a callback) would wait for the initializer to finish.
/// </remarks>
internal static class JournalCrashChild
{
    public const string FolderVariable = "EDGEMODULE_JOURNAL_CRASH_CHILD_FOLDER";

    public const string Partition = "messages";

    public static long KeyNumber(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key);

#pragma warning disable CA2255 // A module initializer is the only hook before the generated test entry point.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunIfChild()
    {
        var folder = Environment.GetEnvironmentVariable(FolderVariable);
        if (folder is null)
        {
            return;
        }

        try
        {
            Run(folder);
            Environment.Exit(0);
        }
        catch (Exception ex)
        {
            Console.WriteLine($"ERROR {ex}");
            Environment.Exit(3);
        }
    }

    private static void Run(string folder)
    {
        using var store = new InMemoryStore();
        var manager = new BackupManager(new BackupOptions { Folder = folder, WriteBufferBytes = 64 << 10 });
        var restored = manager.Restore(store);
        if (restored.Outcome == RestoreOutcome.Restored)
        {
            manager.MarkRestored(restored);
        }

        var options = new BackupJournalOptions
        {
            CheckpointInterval = TimeSpan.FromMilliseconds(20),
            MaxDeltas = 40,
            MinDeadBytesToCompact = 16 << 10,
        };
        using var journal = BackupJournal.Start(manager, store, restored.AppendPoint, options);
        var partition = store.GetOrCreatePartition(Partition);
        var live = new Queue<long>();
        foreach (var entry in partition.Iterate())
        {
            live.Enqueue(KeyNumber(entry.Key));
        }

        var next = live.Count == 0 ? 0 : live.Max() + 1;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"RESTORED {restored.Outcome} {restored.Quarantined.Count} {restored.DroppedTailBytes}"));
        using var stop = new CancellationTokenSource();
        var loop = journal.RunAsync(stop.Token);
        var random = new Random();
        var key = new byte[8];
        while (true)
        {
            var from = next;
            for (var i = 0; i < 20; i++, next++)
            {
                BinaryPrimitives.WriteInt64BigEndian(key, next);
                var value = new byte[random.Next(10, 2000)];
                random.NextBytes(value);
                partition.Put(key, value);
                live.Enqueue(next);
            }

            long? goneFrom = null, goneTo = null;
            while (live.Count > 300)
            {
                var oldest = live.Dequeue();
                BinaryPrimitives.WriteInt64BigEndian(key, oldest);
                partition.Remove(key);
                goneFrom ??= oldest;
                goneTo = oldest;
            }

            if (!journal.WhenDurableAsync().Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException($"not durable after 60 s: {journal.GetStatistics()}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ACK {from} {next - 1}"));
            if (goneFrom is { } gf)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"GONE {gf} {goneTo}"));
            }
        }
    }
}
