using System.Globalization;

namespace EdgeModule.Storage.RocksDb.Tests;

public sealed class RocksDbStoreOptionsTests : RocksDbTestBase
{
    [Fact]
    public void Options_NothingSet_AreTheDocumentedEdgeFriendlyDefaults()
    {
        var options = new RocksDbStoreOptions { Path = "/data" };

        Assert.Equal(64L * 1024 * 1024, options.MaxTotalWalSizeBytes);
        Assert.Equal(16L * 1024 * 1024, options.WriteBufferSizeBytes);
        Assert.Equal(3, options.MaxWriteBufferNumber);
        Assert.False(options.AllowFallocate);
        Assert.Equal(256, options.MaxOpenFiles);
        Assert.Equal(RocksDbCompression.Lz4, options.Compression);
        Assert.False(options.EnableInfoLog);
        Assert.False(options.DisableWal);
        Assert.False(options.SyncWrites);
        options.Validate();
    }

    public static TheoryData<string, RocksDbStoreOptions> OutOfRange => new()
    {
        { "MaxTotalWalSizeBytes", new() { Path = "x", MaxTotalWalSizeBytes = 1024 } },
        { "WriteBufferSizeBytes", new() { Path = "x", WriteBufferSizeBytes = 1024 } },
        { "WriteBufferSizeBytes", new() { Path = "x", WriteBufferSizeBytes = 2L * 1024 * 1024 * 1024 } },
        { "MaxWriteBufferNumber", new() { Path = "x", MaxWriteBufferNumber = 1 } },
        { "MaxWriteBufferNumber", new() { Path = "x", MaxWriteBufferNumber = 17 } },
        { "MaxOpenFiles", new() { Path = "x", MaxOpenFiles = 0 } },
        { "MaxOpenFiles", new() { Path = "x", MaxOpenFiles = -2 } },
        { "Compression", new() { Path = "x", Compression = (RocksDbCompression)42 } },
        { "SyncWrites", new() { Path = "x", SyncWrites = true, DisableWal = true } },
        { "MaxKeyBytes", new() { Path = "x", MaxKeyBytes = 0 } },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_OutOfRange_ThrowsNamingTheOption(string option, RocksDbStoreOptions options)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(option, ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RocksDbStore(options));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_NoPath_ThrowsArgumentExceptionNamingPath(string path)
    {
        var ex = Assert.Throws<ArgumentException>(new RocksDbStoreOptions { Path = path }.Validate);
        Assert.Equal("Path", ex.ParamName);
    }

    [Fact]
    public void Open_UnlimitedOpenFiles_IsAllowed()
    {
        var p = Open(o => new RocksDbStoreOptions { Path = o.Path, MaxOpenFiles = -1 }).GetOrCreatePartition("a");
        p.Put([1], [1]);
        Assert.True(p.Contains([1]));
    }

    [Theory]
    [InlineData(RocksDbCompression.None)]
    [InlineData(RocksDbCompression.Snappy)]
    [InlineData(RocksDbCompression.Lz4)]
    [InlineData(RocksDbCompression.Zstd)]
    public void Compression_EveryValue_IsSupportedByTheInstalledLibrary(RocksDbCompression compression)
    {
        // A small write buffer makes RocksDB write (compressed) table files, which is where a missing codec fails.
        var options = (RocksDbStoreOptions o) => new RocksDbStoreOptions
        {
            Path = o.Path,
            Compression = compression,
            WriteBufferSizeBytes = RocksDbStoreOptions.MinWriteBufferSizeBytes,
        };
        var store = Open(options);
        var p = store.GetOrCreatePartition("a");
        var value = new byte[1000];
        for (var i = 0; i < 1000; i++)
        {
            p.Put(SequenceKey(i), value);
        }

        store.Dispose();
        Assert.NotEmpty(System.IO.Directory.EnumerateFiles(DbPath, "*.sst"));
        Assert.Equal(1000, Open(options).GetPartition("a").Count());
    }

    [Fact]
    public void EnableInfoLog_False_LogHoldsOnlyTheHeadersWhateverTheWorkload()
    {
        var idle = LogSizeAfterSession("idle", enableInfoLog: false, puts: 0);
        var busy = LogSizeAfterSession("busy", enableInfoLog: false, puts: 4000);

        // Same headers either way; only variable-width fields (thread ids, addresses) could differ by a few bytes.
        Assert.InRange(busy, idle - 64, idle + 64);
        Assert.Empty(System.IO.Directory.EnumerateFiles(Directory.Combine("busy"), "LOG.old*"));
    }

    [Fact]
    public void EnableInfoLog_True_LogRecordsFlushesAndCompactions()
    {
        var idle = LogSizeAfterSession("idle", enableInfoLog: true, puts: 0);
        var busy = LogSizeAfterSession("busy", enableInfoLog: true, puts: 4000);

        Assert.True(busy > idle + 10_000, $"LOG {idle} bytes idle, {busy} busy");
    }

    [Fact]
    public void DisableWal_WritesSkipTheLogAndSurviveACleanDispose()
    {
        var store = Open(o => new RocksDbStoreOptions { Path = o.Path, DisableWal = true });
        var p = store.GetOrCreatePartition("a");
        using (var batch = store.CreateWriteBatch())
        {
            for (var i = 0; i < 10_000; i++)
            {
                batch.Put(p, SequenceKey(i), new byte[100]);
            }

            store.Write(batch);
        }

        p.Put([1], [1]);
        Assert.True(SizeOf(DbPath, "*.log") < 64 * 1024, "the WAL received the writes");
        store.Dispose();

        var reopened = Open().GetPartition("a");
        Assert.Equal(10_001, reopened.Count());
    }

    [Fact]
    public void SyncWrites_True_WritesAreDurableAndReadable()
    {
        var store = Open(o => new RocksDbStoreOptions { Path = o.Path, SyncWrites = true });
        var p = store.GetOrCreatePartition("a");
        for (var i = 0; i < 20; i++)
        {
            p.Put(SequenceKey(i), [1]);
        }

        Assert.Equal(20, p.Count());
        Assert.True(SizeOf(DbPath, "*.log") > 20 * 16, "the WAL holds the writes");
    }

    [Fact]
    public void Options_AreAppliedToDatabaseAndPartitions_AsRocksDbRecordsThem()
    {
        // RocksDB writes the options in effect to OPTIONS-<n> at open and at every column family change.
        var store = Open(o => new RocksDbStoreOptions
        {
            Path = o.Path,
            MaxTotalWalSizeBytes = 2 * 1024 * 1024,
            WriteBufferSizeBytes = 1024 * 1024,
            MaxWriteBufferNumber = 5,
            MaxOpenFiles = 100,
            Compression = RocksDbCompression.Zstd,
        });
        store.GetOrCreatePartition("p");

        var latest = System.IO.Directory.EnumerateFiles(DbPath, "OPTIONS-*").OrderBy(f => int.Parse(f[(f.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture)).Last();
        var text = File.ReadAllText(latest);
        var partition = text[text.IndexOf("[CFOptions \"p\"]", StringComparison.Ordinal)..];

        Assert.Contains("max_total_wal_size=2097152", text, StringComparison.Ordinal);
        Assert.Contains("max_open_files=100", text, StringComparison.Ordinal);
        Assert.Contains("allow_fallocate=false", text, StringComparison.Ordinal);
        Assert.Contains("info_log_level=HEADER_LEVEL", text, StringComparison.Ordinal);
        Assert.Contains("keep_log_file_num=1\n", text, StringComparison.Ordinal);
        Assert.Contains("stats_dump_period_sec=0", text, StringComparison.Ordinal);
        Assert.Contains("write_buffer_size=1048576", partition, StringComparison.Ordinal);
        Assert.Contains("max_write_buffer_number=5", partition, StringComparison.Ordinal);
        Assert.Contains("compression=kZSTD", partition, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AllowFallocate_IsHandedToRocksDb()
    {
        Open(o => new RocksDbStoreOptions { Path = o.Path, AllowFallocate = true }).GetOrCreatePartition("p");

        var latest = System.IO.Directory.EnumerateFiles(DbPath, "OPTIONS-*").OrderBy(f => int.Parse(f[(f.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture)).Last();
        Assert.Contains("allow_fallocate=true", File.ReadAllText(latest), StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsString_RocksDbDoesNotKnow_ThrowsNamingIt()
    {
        var options = EdgeModule.Storage.RocksDb.Native.OptionsHandle.Create();

        var ex = Assert.Throws<RocksDbException>(() => options.With("no_such_option=1"));

        Assert.Contains("no_such_option=1", ex.Message, StringComparison.Ordinal);
        Assert.True(options.IsClosed);
    }

    /// <summary>Opens a fresh database, writes enough through a 64 KiB memtable to force flushes, closes, and measures the LOG.</summary>
    private long LogSizeAfterSession(string folder, bool enableInfoLog, int puts)
    {
        var path = Directory.Combine(folder);
        var store = Open(_ => new RocksDbStoreOptions
        {
            Path = path,
            EnableInfoLog = enableInfoLog,
            WriteBufferSizeBytes = RocksDbStoreOptions.MinWriteBufferSizeBytes,
        });
        var p = store.GetOrCreatePartition("a");
        for (var i = 0; i < puts; i++)
        {
            p.Put(SequenceKey(i), new byte[512]);
        }

        // The LOG is buffered; closing flushes it.
        store.Dispose();
        Assert.Equal(puts > 0, System.IO.Directory.EnumerateFiles(path, "*.sst").Any());
        return new FileInfo(Path.Combine(path, "LOG")).Length;
    }
}
