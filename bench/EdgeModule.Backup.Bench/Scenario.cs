using System.Globalization;
using System.Buffers.Binary;
using System.Diagnostics;
using EdgeModule.Storage;
using EdgeModule.Storage.InMemory;
using EdgeModule.Storage.RocksDb;

namespace EdgeModule.Backup.Bench;

/// <summary>One size and backend: fill, raw disk baseline, backup, online backup with a writer, restore into both backends.</summary>
internal static class Scenario
{
    private const int ValueBytes = 1000;
    private const int KeyBytes = 16;
    private const int Partitions = 4;
    private const double Mb = 1 << 20;

    public static Row Run(string work, string backend, long storeBytes, bool dropCaches, int runs = 3)
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, $"{backend}-{storeBytes >> 20}")).FullName;
        var backups = Directory.CreateDirectory(Path.Combine(dir, "backups")).FullName;
        var manager = new BackupManager(new BackupOptions { Folder = backups });
        var source = MeasureSource(backend, dir, backups, manager, storeBytes, runs);

        // The restores read a backup of the same content, made last (the writer's partition dropped), with the source
        // store gone: a restore runs at startup, in a process that holds nothing else, where a gigabyte of unrelated
        // live objects would only make every full garbage collection of the restore slower.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // Restore into memory (one pass, checking as it applies), alternating with a raw read of the same file, from a
        // cold cache when dropping caches; then once into RocksDB.
        var restorable = source.Restorable;
        var rawReads = new List<double>();
        var restores = new List<double>();
        var ratios = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            MaybeDropCaches(dropCaches);
            rawReads.Add(RawRead(restorable.Path, restorable.FileBytes));
            MaybeDropCaches(dropCaches);
            restores.Add(TimeRestore(manager, () => new InMemoryStore(), restorable.FileBytes));
            ratios.Add(restores[^1] / rawReads[^1]);
        }

        // The same restore in a fresh process, as at the module's startup (a cold read when dropping caches), each run
        // paired with a raw read of its own, beside the cost of first touching that much fresh memory in another one.
        var fresh = new List<double>();
        var freshRatios = new List<double>();
        long heapBytes = 0;
        for (var i = 0; i < FreshRuns(runs); i++)
        {
            MaybeDropCaches(dropCaches);
            var rawRead = RawRead(restorable.Path, restorable.FileBytes);
            MaybeDropCaches(dropCaches);
            (var mbps, heapBytes) = FreshProcess.Restore(Path.GetDirectoryName(restorable.Path)!, restorable.FileBytes);
            fresh.Add(mbps);
            freshRatios.Add(mbps / rawRead);
        }

        var firstTouchMs = FreshProcess.FirstTouchMs(heapBytes);

        MaybeDropCaches(dropCaches);
        var restoreRocks = TimeRestore(manager, () => Open("rocksdb", Path.Combine(dir, $"restored-{Guid.NewGuid():N}")), restorable.FileBytes);
        Directory.Delete(dir, recursive: true);
        return new Row(
            backend, storeBytes, source.FileBytes, source.RawWrite, source.Backup, source.Scan, Median(rawReads), Median(restores), Median(ratios),
            Median(fresh), Median(freshRatios), heapBytes, firstTouchMs, restoreRocks,
            source.Online.Mbps, source.Online.Stall, source.Baseline, source.SnapshotMs);
    }

    /// <summary>Fresh-process restores per size and backend: each starts a runtime, so at most 3.</summary>
    public static int FreshRuns(int runs) => Math.Min(runs, 3);

    /// <summary>Everything measured on the source store, which is disposed (and unreachable) when this returns.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static SourceFigures MeasureSource(string backend, string dir, string backups, BackupManager manager, long storeBytes, int runs)
    {
        using var store = Open(backend, Path.Combine(dir, "source"));
        Fill(store, storeBytes / (KeyBytes + ValueBytes));
        Settle(store);

        // Backup of a quiet store, alternating with the raw disk baseline (same byte count, same folder, same run) so
        // both see the same disk; the median of each is reported.
        var backupRuns = new List<double>();
        var rawWrites = new List<double>();
        long fileBytes = 0;
        for (var i = 0; i < runs; i++)
        {
            var backup = manager.Backup(store);
            fileBytes = backup.FileBytes;
            backupRuns.Add(fileBytes / Mb / backup.Elapsed.TotalSeconds);
            rawWrites.Add(RawWrite(backups, fileBytes));
            Console.Error.WriteLine($"   backup {backupRuns[^1]:F0} MB/s, raw write {rawWrites[^1]:F0} MB/s");
        }

        // How fast the source can be read at all (snapshot + cursors, no file): the other bound of a backup's speed.
        var scan = ScanMbps(store, fileBytes);

        // Online backup: a writer keeps putting while the backup runs; record its stalls.
        var online = OnlineBackup(store, manager);
        var snapshotMs = SnapshotOpenCloseMs(store);
        var baseline = WriterAlone(store, online.Elapsed);
        store.DropPartition("live");
        var restorable = manager.Backup(store);
        return new SourceFigures(fileBytes, Median(rawWrites), Median(backupRuns), scan, online, baseline, snapshotMs, restorable);
    }

    private sealed record SourceFigures(
        long FileBytes,
        double RawWrite,
        double Backup,
        double Scan,
        (double Mbps, TimeSpan Elapsed, WriterStall Stall) Online,
        WriterStall Baseline,
        double SnapshotMs,
        BackupResult Restorable);

    private static double ScanMbps(IKeyValueStore store, long fileBytes)
    {
        var sw = Stopwatch.StartNew();
        long sum = 0;
        using (var snapshot = store.CreateSnapshot())
        {
            foreach (var name in snapshot.ListPartitions())
            {
                using var cursor = snapshot.GetPartition(name).OpenScanCursor();
                for (cursor.SeekToFirst(); cursor.IsValid; cursor.Next())
                {
                    sum += cursor.Key.Length + cursor.Value.Length;
                }
            }
        }

        return sum > 0 ? fileBytes / Mb / sw.Elapsed.TotalSeconds : 0;
    }

    /// <summary>
    /// Opening and closing a snapshot are the only steps of a backup that take the store's write lock (in-memory) or
    /// its mutex (RocksDB), so they bound what the backup itself can block writers for. Median of 5, milliseconds.
    /// </summary>
    private static double SnapshotOpenCloseMs(IKeyValueStore store)
    {
        var runs = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            store.CreateSnapshot().Dispose();
            runs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        return Median(runs);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The same writer for the same time without a backup: the stalls it sees anyway (GC, compaction).</summary>
    private static WriterStall WriterAlone(IKeyValueStore store, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource(duration);
        return RunWriter(store, stop.Token);
    }

    private static IKeyValueStore Open(string backend, string path) => backend switch
    {
        "memory" => new InMemoryStore(),
        "rocksdb" => new RocksDbStore(new RocksDbStoreOptions { Path = path }),
        _ => throw new ArgumentException($"unknown backend {backend}"),
    };

    private static void Fill(IKeyValueStore store, long records)
    {
        var random = new Random(1);
        var partitions = Enumerable.Range(0, Partitions).Select(i => store.GetOrCreatePartition($"queue-{i}")).ToArray();
        using var batch = store.CreateWriteBatch();
        for (long i = 0; i < records; i++)
        {
            var key = new byte[KeyBytes];
            BinaryPrimitives.WriteInt64BigEndian(key, i);
            var value = new byte[ValueBytes];
            random.NextBytes(value);
            batch.Put(partitions[i % Partitions], key, value);
            if (batch.Count == 1000)
            {
                store.Write(batch);
                batch.Clear();
            }
        }

        store.Write(batch);
    }

    /// <summary>
    /// Waits (up to a minute) until RocksDB has finished the flushes and compactions the fill started, so that a
    /// backup is measured on a settled store rather than racing the store's own background work for the 2 cores.
    /// </summary>
    private static void Settle(IKeyValueStore store)
    {
        if (store is not RocksDbStore rocks)
        {
            return;
        }

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(1)
            && (rocks.GetProperty("rocksdb.num-running-compactions") != "0"
                || rocks.GetProperty("rocksdb.num-running-flushes") != "0"
                || rocks.GetProperty("rocksdb.compaction-pending") != "0"))
        {
            Thread.Sleep(50);
        }
    }

    private static double RawWrite(string folder, long bytes)
    {
        var path = Path.Combine(folder, "raw.bin");
        var buffer = new byte[4 << 20];
        Random.Shared.NextBytes(buffer);
        var sw = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (long done = 0; done < bytes; done += buffer.Length)
            {
                file.Write(buffer, 0, (int)Math.Min(buffer.Length, bytes - done));
            }

            file.Flush(flushToDisk: true);
        }

        var write = bytes / Mb / sw.Elapsed.TotalSeconds;
        File.Delete(path);
        return write;
    }

    private static double RawRead(string path, long bytes)
    {
        var buffer = new byte[4 << 20];
        var sw = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
        {
            while (file.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }

        return bytes / Mb / sw.Elapsed.TotalSeconds;
    }

    private static double TimeRestore(BackupManager manager, Func<IKeyValueStore> open, long fileBytes)
    {
        using var target = open();
        GC.Collect();
        var result = manager.Restore(target);
        if (result.Outcome != RestoreOutcome.Restored)
        {
            throw new InvalidOperationException(string.Join("; ", result.Problems));
        }

        return fileBytes / Mb / result.Elapsed.TotalSeconds;
    }

    private static (double Mbps, TimeSpan Elapsed, WriterStall Stall) OnlineBackup(IKeyValueStore store, BackupManager manager)
    {
        using var stop = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var writer = Task.Factory.StartNew(
            () =>
            {
                started.Set();
                return RunWriter(store, stop.Token);
            },
            TaskCreationOptions.LongRunning);
        started.Wait();
        var result = manager.Backup(store);
        stop.Cancel();
        return (result.FileBytes / Mb / result.Elapsed.TotalSeconds, result.Elapsed, writer.Result);
    }

    /// <summary>
    /// Single puts of 1 KB into a "live" partition until stopped; a put slower than 1 ms counts as a stall, split into
    /// GC pause, CPU wait, blocked and running (<see cref="WriterStall"/>).
    /// </summary>
    private static WriterStall RunWriter(IKeyValueStore store, CancellationToken stop)
    {
        var live = store.GetOrCreatePartition("live");
        var value = new byte[ValueBytes];
        var key = new byte[KeyBytes];
        using var meter = new StallMeter();
        long ops = 0;
        var storeStallBefore = StoreStallMs(store);
        var gcBefore = GC.GetTotalPauseDuration();
        while (!stop.IsCancellationRequested)
        {
            BinaryPrimitives.WriteInt64BigEndian(key, ops % 100_000);
            var gc0 = GC.GetTotalPauseDuration();
            var t0 = Stopwatch.GetTimestamp();
            live.Put(key, value);
            meter.Put(Stopwatch.GetElapsedTime(t0).TotalMilliseconds, (GC.GetTotalPauseDuration() - gc0).TotalMilliseconds);
            ops++;
        }

        return meter.Result(ops, (GC.GetTotalPauseDuration() - gcBefore).TotalMilliseconds) with
        {
            StoreStallMs = StoreStallMs(store) - storeStallBefore,
        };
    }

    /// <summary>RocksDB's cumulative write-stall time (rocksdb.stats, "Cumulative stall: H:M:S"); null for other stores.</summary>
    private static double? StoreStallMs(IKeyValueStore store)
    {
        if (store is not RocksDbStore rocks || rocks.GetProperty("rocksdb.stats") is not { } stats)
        {
            return null;
        }

        var match = System.Text.RegularExpressions.Regex.Match(stats, @"Cumulative stall: (\d+):(\d+):([\d.]+) H:M:S");
        return match.Success
            ? ((double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 3600) + (double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) * 60) + double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture)) * 1000
            : null;
    }

    private static void MaybeDropCaches(bool drop)
    {
        if (drop && OperatingSystem.IsLinux())
        {
            using var p = Process.Start("sh", "-c \"sync; echo 3 > /proc/sys/vm/drop_caches\"");
            p.WaitForExit();
        }
    }
}
